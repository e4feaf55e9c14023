import CustosStore

/// The console's sections, each a page or group of pages; what a role may open is decided here and nowhere else.
public enum ConsoleSection: String, Sendable, CaseIterable {
    /// Activity, busiest datasets, the latest checkpoint.
    case overview
    /// Officers' activity and their sessions.
    case people
    /// Who used a dataset.
    case datasets
    /// Every event by any filter, CSV export, an event with its proof.
    case search
    /// Every access to one person's data.
    case subjects
    /// Checkpoints and verification.
    case ledger
    /// The rule pack and the policy set in force.
    case rules
    /// The console accounts.
    case accounts
    /// The alert queue and alert pages (triage: see ``ConsoleRole/mayTriage``).
    case alerts
}

extension ConsoleRole {
    /// Whether the role may open a section at all (supervisors see people of their own org units only; see
    /// ``ConsoleAccount/mayView(orgUnit:)``).
    public func mayOpen(_ section: ConsoleSection) -> Bool {
        switch (self, section) {
        case (_, .overview), (_, .rules): true
        case (.supervisor, .people): true
        case (.privacyOfficer, .people), (.privacyOfficer, .datasets), (.privacyOfficer, .search),
            (.privacyOfficer, .subjects), (.privacyOfficer, .ledger):
            true
        case (.auditor, .subjects), (.auditor, .ledger), (.auditor, .search): true
        case (.admin, .ledger), (.admin, .accounts): true
        case (.supervisor, .alerts), (.privacyOfficer, .alerts), (.auditor, .alerts): true
        default: false
        }
    }

    /// The role as people read it.
    public var title: String {
        switch self {
        case .supervisor: "Supervisor"
        case .privacyOfficer: "Privacy officer"
        case .auditor: "Auditor"
        case .admin: "Administrator"
        }
    }
}

extension ConsoleAccount {
    /// Whether this account may see the activity of an actor of `orgUnit` (nil when unknown): supervisors only
    /// their own units and the units below them (`fo/x` covers `fo/x/y`); the other roles that see people, all.
    public func mayView(orgUnit: String?) -> Bool {
        guard role.mayOpen(.people) else { return false }
        guard role == .supervisor else { return true }
        guard let orgUnit else { return false }
        return orgUnits.contains { orgUnit == $0 || orgUnit.hasPrefix($0 + "/") }
    }
}
