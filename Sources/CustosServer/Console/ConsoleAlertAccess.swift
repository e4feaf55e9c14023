import CustosStore

extension ConsoleRole {
    /// Whether the role may triage alerts (assign, comment, acknowledge, resolve, reopen) and reveal a pseudonymised
    /// user: supervisors (their own org units' alerts) and privacy officers. Auditors read alerts only; admins manage
    /// accounts and see no alerts at all.
    public var mayTriage: Bool {
        switch self {
        case .supervisor, .privacyOfficer: true
        case .auditor, .admin: false
        }
    }
}

extension ConsoleAccount {
    /// Whether this account may see an alert about a user of `orgUnit` (nil when unknown): the same rule as the
    /// People pages for supervisors (their own units and those below), every alert for privacy officers and auditors.
    public func mayViewAlert(orgUnit: String?) -> Bool {
        guard role.mayOpen(.alerts) else { return false }
        guard role == .supervisor else { return true }
        return mayView(orgUnit: orgUnit)
    }

    /// Why this account may not triage an alert about `actor` of `orgUnit`, or nil when it may: the role must triage,
    /// the alert must be one it may see, and nobody triages an alert about themselves (the account's bound actor).
    public func triageRefusal(actor: String, orgUnit: String?) -> String? {
        guard mayViewAlert(orgUnit: orgUnit) else {
            return "This alert is about a user outside the org units you oversee."
        }
        guard role.mayTriage else { return "Your role (\(role.title)) may read alerts but not triage them." }
        guard actor != self.actor else {
            return "This alert is about you (your account is bound to actor \(self.actor)): "
                + "nobody may triage or reveal an alert about themselves."
        }
        return nil
    }
}
