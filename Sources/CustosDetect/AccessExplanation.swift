public import CustosCore

/// Explanation-based auditing: classifies each access to a subject (a person) as explained by the entity graph or
/// not. Unexplained accesses are what a supervisor reviews; the share explained is the measure of how well the
/// reference data accounts for the work.
///
/// An access by actor A to subject S at time t is explained, in this order, by:
/// 1. `assignment` — S is a subject of a case whose `assigned` holds A;
/// 2. `former_assignment` — S is a subject of a case whose `formerly_assigned` holds A and t is before A's
///    `role_change_date` (local midnight of A's org unit);
/// 3. `referral` — a `Custos::Referral` entity with `to` = A lists S in `subjects` (or names a `case` holding S),
///    and t is within its optional `valid_from` … `valid_until` dates (inclusive, UTC);
/// 4. `supervision` — A's role (as of t) is `supervisor` and S is a subject of a case whose `org` is A's org unit;
/// 5. `records_request` — A's role is `records-clerk` and `purpose.reason` starts with `records request`;
/// 6. `support_ticket` — A's role is `it-admin` and `purpose.reason` starts with `support ticket`;
/// 7. `scheduled_job` — A is a service account and `purpose.reason` starts with `scheduled`;
///
/// otherwise `unexplained`. Pure: the graph is indexed once from the Cedar entities JSON.
public struct AccessExplanation: Sendable {
    /// Why an access is explained, or that it is not.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// A case assigned to the actor holds the subject.
        case assignment
        /// A case formerly assigned to the actor holds the subject, before their role change.
        case formerAssignment = "former_assignment"
        /// A referral to the actor names the subject.
        case referral
        /// A supervisor's office holds the case of the subject.
        case supervision
        /// A records clerk citing a records request.
        case recordsRequest = "records_request"
        /// An IT administrator citing a support ticket.
        case supportTicket = "support_ticket"
        /// A service account running a scheduled job.
        case scheduledJob = "scheduled_job"
        /// Nothing in the reference data explains the access.
        case unexplained

        /// Whether the access is explained.
        public var isExplained: Bool { self != .unexplained }
    }

    /// One subject of one event, classified.
    public struct Classification: Sendable, Hashable {
        /// The subject (`person:123`).
        public var subject: String
        /// Why it is explained, or `unexplained`.
        public var reason: Reason
    }

    struct User: Sendable {
        var role: String?
        var previousRole: String?
        var roleChangeDate: String?
        var org: String?
        var offsetMinutes: Int64
        var isService: Bool
    }

    struct Referral: Sendable {
        var subjects: Set<String>
        var validFrom: String?
        var validUntil: String?
    }

    private var users: [String: User] = [:]
    private var assigned: [String: Set<String>] = [:]  // user → subjects of assigned cases
    private var formerly: [String: Set<String>] = [:]  // user → subjects of formerly assigned cases
    private var orgSubjects: [String: Set<String>] = [:]  // org unit → subjects of its cases
    private var referrals: [String: [Referral]] = [:]  // user → referrals to them

    /// Indexes a Cedar entities array (docs/reference-data.md); other types are ignored.
    public init(entities: JSONValue) {
        var offsets: [String: Int64] = [:]
        var caseSubjects: [String: Set<String>] = [:]
        var pendingReferrals: [(to: String, subjects: Set<String>, caseID: String?, from: String?, until: String?)] = []
        for entity in ReferenceEntities.list(entities) {
            let (id, attrs) = (entity.id, entity.attrs)
            switch entity.type {
            case "Custos::OrgUnit":
                if case .integer(let minutes)? = attrs["utc_offset_minutes"] { offsets[id] = minutes }
            case "Custos::User":
                users[id] = User(
                    role: attrs["role"]?.stringValue,
                    previousRole: attrs["previous_role"]?.stringValue,
                    roleChangeDate: attrs["role_change_date"]?.stringValue,
                    org: ReferenceEntities.referencedID(attrs["org"]),
                    offsetMinutes: 0,
                    isService: attrs["kind"]?.stringValue == "service"
                )
            case "Custos::Case":
                let subjects = Set(
                    (attrs["subjects"]?.arrayValue ?? []).compactMap { ReferenceEntities.referencedID($0) }
                )
                caseSubjects[id] = subjects
                for user in (attrs["assigned"]?.arrayValue ?? []).compactMap({ ReferenceEntities.referencedID($0) }) {
                    assigned[user, default: []].formUnion(subjects)
                }
                for user in (attrs["formerly_assigned"]?.arrayValue ?? []).compactMap({
                    ReferenceEntities.referencedID($0)
                }
                ) {
                    formerly[user, default: []].formUnion(subjects)
                }
                if let org = ReferenceEntities.referencedID(attrs["org"]) {
                    orgSubjects[org, default: []].formUnion(subjects)
                }
            case "Custos::Referral":
                guard let to = ReferenceEntities.referencedID(attrs["to"]) else { continue }
                pendingReferrals.append(
                    (
                        to,
                        Set((attrs["subjects"]?.arrayValue ?? []).compactMap { ReferenceEntities.referencedID($0) }),
                        ReferenceEntities.referencedID(attrs["case"]) ?? attrs["case"]?.stringValue,
                        attrs["valid_from"]?.stringValue, attrs["valid_until"]?.stringValue
                    )
                )
            default:
                continue
            }
        }
        for (id, user) in users {
            users[id]?.offsetMinutes = user.org.flatMap { offsets[$0] } ?? 0
        }
        for pending in pendingReferrals {
            let subjects = pending.subjects.union(pending.caseID.flatMap { caseSubjects[$0] } ?? [])
            referrals[pending.to, default: []].append(
                Referral(subjects: subjects, validFrom: pending.from, validUntil: pending.until)
            )
        }
    }

    /// Classifies every subject of an event (its JSON object and time); empty when it has no subjects or actor.
    public func classify(_ fields: JSONObject, time: Timestamp) -> [Classification] {
        let subjects = (fields["subjects"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard !subjects.isEmpty, let actor = fields["actor"]?.objectValue?["id"]?.stringValue else { return [] }
        let user = users[actor]
        let reason = fields["purpose"]?.objectValue?["reason"]?.stringValue?.lowercased() ?? ""
        let utcDate = time.rfc3339.prefix(10)
        var role = user?.role
        var beforeRoleChange = false
        if let user, let changed = user.roleChangeDate {
            let local = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + user.offsetMinutes * 60_000)
            if local.rfc3339.prefix(10) < Substring(changed) {
                beforeRoleChange = true
                role = user.previousRole ?? role
            }
        }
        return subjects.map { subject in
            var why = Reason.unexplained
            if assigned[actor]?.contains(subject) == true {
                why = .assignment
            } else if beforeRoleChange, formerly[actor]?.contains(subject) == true {
                why = .formerAssignment
            } else if (referrals[actor] ?? []).contains(where: { referral in
                referral.subjects.contains(subject)
                    && referral.validFrom.map { utcDate >= Substring($0) } ?? true
                    && referral.validUntil.map { utcDate <= Substring($0) } ?? true
            }) {
                why = .referral
            } else if role == "supervisor", let org = user?.org, orgSubjects[org]?.contains(subject) == true {
                why = .supervision
            } else if role == "records-clerk", reason.hasPrefix("records request") {
                why = .recordsRequest
            } else if role == "it-admin", reason.hasPrefix("support ticket") {
                why = .supportTicket
            } else if user?.isService == true, reason.hasPrefix("scheduled") {
                why = .scheduledJob
            }
            return Classification(subject: subject, reason: why)
        }
    }

    /// The role of a user as of a time (the previous role before a role change), when known.
    public func role(of actor: String, at time: Timestamp) -> String? {
        guard let user = users[actor] else { return nil }
        if let changed = user.roleChangeDate {
            let local = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + user.offsetMinutes * 60_000)
            if local.rfc3339.prefix(10) < Substring(changed) { return user.previousRole ?? user.role }
        }
        return user.role
    }

    /// The enrichment fields of an event: `subject_explained` (every subject explained) and `subject_explanation`
    /// (the reason of the first unexplained subject, else of the first subject); nothing without subjects.
    public func enrichment(for fields: JSONObject, time: Timestamp) -> [(String, JSONValue)] {
        let classified = classify(fields, time: time)
        guard let first = classified.first else { return [] }
        let unexplained = classified.first { !$0.reason.isExplained }
        return [
            ("subject_explained", .bool(unexplained == nil)),
            ("subject_explanation", .string((unexplained ?? first).reason.rawValue)),
        ]
    }
}
