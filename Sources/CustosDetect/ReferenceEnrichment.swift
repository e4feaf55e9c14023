public import CustosCore

/// Facts joined from reference data (the Cedar entities JSON the simulator writes, docs/simulation.md) onto each
/// event before the rules run, addressed by rules as `enrichment.<name>`.
///
/// Pure: the index is built once from the entities; ``enrichment(for:time:)`` reads nothing else. Fields that do not
/// apply to an event are left out (a search without subjects has no `subject_*` fields), so `field: false` in a
/// rule never matches an event the fact does not describe.
///
/// | field | meaning |
/// |---|---|
/// | `actor_known` | the actor is a `Custos::User` of the reference |
/// | `actor_status` | `active`, `disabled` or `terminated` **as of the event** (dates take effect at local midnight) |
/// | `actor_shift` | the user's shift (`day`, `evening`, `night`), when known |
/// | `local_hour` | the event's hour (0–23) in the actor's org-unit time zone |
/// | `actor_device_known` | the event's `actor.device` is one of the user's devices (only when a device is given) |
/// | `case_assigned` | `purpose.case` names a case assigned to the actor (only when a case is given); before a
///   role change (`role_change_date`), the user's `formerly_assigned` cases count as assigned |
/// | `subject_in_assigned_case` | some subject is a subject of a case assigned to the actor |
/// | `subject_watchlisted` | some subject is on a watch list |
/// | `subject_is_actor` | some subject is the actor's own person record |
/// | `subject_shares_actor_surname` | some subject has the actor's surname (normalised: case, accents, spacing) |
/// | `subject_shares_actor_address` | some subject lives at the actor's home address, at street level |
/// | `subject_explained` | every subject access is explained by the graph (``AccessExplanation``) |
/// | `subject_explanation` | `assignment`, `former_assignment`, `referral`, `supervision`, `records_request`,
///   `support_ticket`, `scheduled_job` or `unexplained` (the first unexplained subject, else the first subject) |
///
/// Surnames and addresses match on their normalised form (``PersonalAttributeNormalizer``) or, when the reference
/// holds protected values (``PersonalAttributeProtector``), on the protected form: a reference protected with one key
/// gives exactly the enrichment of the unprotected one. Give the protector when the reference mixes protected and
/// plain values, so the plain ones are protected before matching.
public struct ReferenceEnrichment: Sendable {
    struct User: Sendable {
        var status: String
        var statusDate: String?
        var shift: String?
        var offsetMinutes: Int64
        var devices: Set<String>
        var person: String?
        var surname: String?
        var address: String?
        /// Local date from which `formerly_assigned` cases no longer count (a role change); nil: none.
        var roleChangeDate: String?
    }

    private var users: [String: User] = [:]
    private var assignedCases: [String: Set<String>] = [:]  // user → case ids
    private var formerCases: [String: Set<String>] = [:]  // user → cases assigned before a role change
    private var caseSubjects: [String: Set<String>] = [:]  // case → person ids
    private var watchlisted: Set<String> = []
    private var surnames: [String: String] = [:]  // person → surname match key
    private var addresses: [String: String] = [:]  // person → address match key
    /// The explanation-based classification of subject accesses (``AccessExplanation``).
    public let explanation: AccessExplanation

    /// Indexes a Cedar entities array; entities of other types or shapes are ignored. With a `protector`, plain
    /// surnames and addresses are protected before matching (needed only when the reference mixes both forms).
    public init(entities: JSONValue, protector: PersonalAttributeProtector? = nil) {
        func nameKey(_ value: JSONValue?) -> String? {
            guard let text = value?.stringValue else { return nil }
            if PersonalAttributeProtector.isProtected(text) { return text }
            return protector?.protect(name: text) ?? PersonalAttributeNormalizer.name(text)
        }
        func addressKey(_ value: JSONValue?) -> String? {
            guard let value else { return nil }
            return protector?.protect(address: value) ?? PersonalAttributeProtector.addressKey(value)
        }
        explanation = AccessExplanation(entities: entities)
        let list = ReferenceEntities.list(entities)
        let offsets = ReferenceEntities.orgUnitOffsets(list)
        for entity in list {
            let (id, attrs) = (entity.id, entity.attrs)
            switch entity.type {
            case "Custos::User":
                let org = ReferenceEntities.referencedID(attrs["org"])
                let status = attrs["status"]?.stringValue ?? "active"
                let date =
                    status == "terminated"
                    ? attrs["termination_date"]?.stringValue : attrs["disabled_date"]?.stringValue
                users[id] = User(
                    status: status,
                    statusDate: date,
                    shift: attrs["shift"]?.stringValue,
                    offsetMinutes: org.flatMap { offsets[$0] } ?? 0,
                    devices: Set((attrs["devices"]?.arrayValue ?? []).compactMap(\.stringValue)),
                    person: ReferenceEntities.referencedID(attrs["person"]),
                    surname: nameKey(attrs["surname"]),
                    address: addressKey(attrs["home_address"]),
                    roleChangeDate: attrs["role_change_date"]?.stringValue
                )
            case "Custos::Case":
                let subjects = Set(
                    (attrs["subjects"]?.arrayValue ?? []).compactMap { ReferenceEntities.referencedID($0) }
                )
                caseSubjects[id] = subjects
                for user in (attrs["assigned"]?.arrayValue ?? []).compactMap({ ReferenceEntities.referencedID($0) }) {
                    assignedCases[user, default: []].insert(id)
                }
                for user in (attrs["formerly_assigned"]?.arrayValue ?? []).compactMap({
                    ReferenceEntities.referencedID($0)
                }) {
                    formerCases[user, default: []].insert(id)
                }
            case "Custos::Person":
                if let surname = nameKey(attrs["surname"]) { surnames[id] = surname }
                if let address = addressKey(attrs["address"]) { addresses[id] = address }
                let parents = entity.parents
                if parents.contains(where: { $0.objectValue?["type"]?.stringValue == "Custos::WatchList" }) {
                    watchlisted.insert(id)
                }
            default:
                continue
            }
        }
    }

    /// The enrichment object of one event (its JSON object and time).
    public func enrichment(for fields: JSONObject, time: Timestamp) -> JSONObject {
        var out = JSONObject()
        let actorObject = fields["actor"]?.objectValue
        let actorID = actorObject?["id"]?.stringValue ?? ""
        let user = users[actorID]
        out["actor_known"] = .bool(user != nil)
        let subjects = (fields["subjects"]?.arrayValue ?? []).compactMap(\.stringValue)
        var myCases = assignedCases[actorID] ?? []
        if let user {
            let localMilliseconds = time.millisecondsSinceEpoch + user.offsetMinutes * 60_000
            let localDate = Timestamp(millisecondsSinceEpoch: localMilliseconds).rfc3339.prefix(10)
            // The reference describes the end of the period: before a role change, the former cases were assigned.
            if let changed = user.roleChangeDate, localDate < Substring(changed) {
                myCases.formUnion(formerCases[actorID] ?? [])
            }
            var status = "active"
            if user.status != "active" {
                // Effective from local midnight of the date; without a date, the status holds throughout.
                if let date = user.statusDate {
                    status = localDate >= Substring(date) ? user.status : "active"
                } else {
                    status = user.status
                }
            }
            out["actor_status"] = .string(status)
            if let shift = user.shift { out["actor_shift"] = .string(shift) }
            let dayMilliseconds: Int64 = 86_400_000
            let ofDay = ((localMilliseconds % dayMilliseconds) + dayMilliseconds) % dayMilliseconds
            out["local_hour"] = .integer(ofDay / 3_600_000)
            if let device = actorObject?["device"]?.stringValue {
                out["actor_device_known"] = .bool(user.devices.contains(device))
            }
        }
        if let caseID = fields["purpose"]?.objectValue?["case"]?.stringValue {
            out["case_assigned"] = .bool(myCases.contains(caseID))
        }
        if !subjects.isEmpty {
            out["subject_in_assigned_case"] = .bool(
                subjects.contains { subject in myCases.contains { caseSubjects[$0]?.contains(subject) == true } }
            )
            out["subject_watchlisted"] = .bool(subjects.contains(where: watchlisted.contains))
            if let user {
                out["subject_is_actor"] = .bool(user.person.map(subjects.contains) ?? false)
                out["subject_shares_actor_surname"] = .bool(
                    user.surname.map { surname in subjects.contains { surnames[$0] == surname } } ?? false
                )
                out["subject_shares_actor_address"] = .bool(
                    user.address.map { address in subjects.contains { addresses[$0] == address } } ?? false
                )
            }
            for (key, value) in explanation.enrichment(for: fields, time: time) { out[key] = value }
        }
        return out
    }
}
