/// Every kind of labelled scenario the simulator injects: misuse, and benign activity that looks like misuse.
/// The raw value is the `scenario` field of a label. docs/simulation.md describes how each is injected.
public enum ScenarioKind: String, Sendable, Hashable, CaseIterable {
    /// One export of tens of thousands of person records, after a broad search, under a pretext case.
    case bulkExport = "bulk_export"
    /// Many distinct persons (25–60) viewed in under an hour, none of them in the actor's cases.
    case fishing
    /// Views of persons' records with no purpose at all.
    case missingPurpose = "missing_purpose"
    /// Views of a case and its subjects, citing a case the actor is not assigned to.
    case unassignedCase = "unassigned_case"
    /// A search and view of a watch-listed person (VIP, colleague or protected person) with no case link.
    case watchListLookup = "watch_list_lookup"
    /// The actor looks up their own record.
    case selfLookup = "self_lookup"
    /// The actor looks up persons sharing their surname (relatives) who are in none of their cases.
    case sameSurnameLookup = "same_surname_lookup"
    /// Views of consecutive record ids (`persons/1000`, `/1001`, …) seconds apart.
    case sequentialEnumeration = "sequential_enumeration"
    /// Searches matching nearly everything (`surname LIKE '%'`), returning very many rows.
    case broadQuery = "broad_query"
    /// A day-shift officer working records in the middle of the local night.
    case offHours = "off_hours"
    /// Repeated denied attempts on a restricted record, then a successful access (probing).
    case probing
    /// An account idle for months becomes active and browses records.
    case dormantAccount = "dormant_account"
    /// Activity after the account was disabled or terminated.
    case afterTermination = "after_termination"
    /// Access to the former cases after a role change removed the assignment.
    case afterRoleChange = "after_role_change"
    /// A session from a device and IP address the actor has never used.
    case newDevice = "new_device"
    /// Benign: a night-shift officer's ordinary night of work.
    case nightShift = "night_shift"
    /// Benign: a service account's scheduled export, with a stated purpose.
    case scheduledExport = "scheduled_export"
    /// Benign: an officer with a common surname views a subject of an assigned case who shares it.
    case commonSurnameMatch = "common_surname_match"

    /// Whether the scenario is a benign look-alike rather than misuse.
    public var isBenign: Bool {
        switch self {
        case .nightShift, .scheduledExport, .commonSurnameMatch: true
        default: false
        }
    }

    /// The misuse kinds.
    public static let misuseKinds: [ScenarioKind] = allCases.filter { !$0.isBenign }

    /// The benign look-alike kinds.
    public static let benignKinds: [ScenarioKind] = allCases.filter(\.isBenign)

    /// Whether the kind needs an account of its own whose HR record it shapes (dormant, terminated, role change).
    var needsDedicatedAccount: Bool {
        switch self {
        case .dormantAccount, .afterTermination, .afterRoleChange: true
        default: false
        }
    }
}
