public import CustosStore

/// What the alert routes need: the alert store, the pseudonymizer, and the listener told of every alert change
/// (webhooks). Without it the alert routes answer 503.
public struct AlertAccess: Sendable {
    /// The store of findings, alerts and suppressions.
    public let store: any AlertStore
    /// Pseudonyms of monitored users.
    public let pseudonymizer: Pseudonymizer
    /// Called after every alert change (detection and triage alike).
    public let onAlertChange: @Sendable (AlertChange) async -> Void

    /// Creates the access.
    public init(
        store: any AlertStore,
        pseudonymizer: Pseudonymizer,
        onAlertChange: @escaping @Sendable (AlertChange) async -> Void = { _ in }
    ) {
        self.store = store
        self.pseudonymizer = pseudonymizer
        self.onAlertChange = onAlertChange
    }
}
