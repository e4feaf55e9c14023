public import CustosCore

/// Where the live detection service keeps its work: the engine state with the `seq` it covers, findings, per-user
/// alerts with their triage history, and suppressions (docs/alerts.md).
///
/// ``commitDetectionStep(_:)`` writes one processed step — its findings, the alert changes they cause and, when the
/// step carries one, the new engine state — in ONE transaction; a finding already stored (same `producedAt` and
/// `ordinal`, as when events after the saved state are replayed) is not stored again, so a crash never loses or
/// repeats a finding.
public protocol AlertStore: Sendable {
    /// The saved engine state, or nil before the first step.
    func detectionCheckpoint() async throws -> DetectionCheckpoint?

    /// Stores a step's findings, joins each unsuppressed one to its actor's open alert (opening one when there is
    /// none), and saves the new state if the step has one — atomically. Returns the alert changes, in order.
    func commitDetectionStep(_ step: DetectionStep) async throws -> [AlertChange]

    /// Alerts matching a filter, newest first, one page at a time.
    func alerts(_ query: AlertQuery) async throws -> AlertPage

    /// One alert, or nil.
    func alert(id: Int64) async throws -> Alert?

    /// The findings joined to an alert, oldest first.
    func findings(alert: Int64) async throws -> [StoredFinding]

    /// All findings (suppressed ones included) in the order they were found, after `cursor` (a finding id).
    func findings(after cursor: Int64?, limit: Int) async throws -> [StoredFinding]

    /// An alert's triage history, oldest first.
    func alertHistory(alert: Int64) async throws -> [AlertNote]

    /// Applies a triage action and appends it to the history; throws ``StoreError/Code/conflict`` when the alert's
    /// status does not allow it, ``StoreError/Code/notFound`` when there is no such alert.
    func triage(alert: Int64, action: TriageAction, by owner: String, at time: Timestamp) async throws -> Alert

    /// The actor whose alerts carry this pseudonym, if any.
    func actor(pseudonym: String) async throws -> String?

    /// Stores a suppression and returns it with its id.
    func insertSuppression(_ suppression: Suppression) async throws -> Suppression

    /// Suppressions, newest first (expired and lifted ones included).
    func suppressions() async throws -> [Suppression]

    /// One suppression, or nil.
    func suppression(id: Int64) async throws -> Suppression?

    /// Lifts a suppression at `time`; false when there is no such suppression or it was already lifted.
    func liftSuppression(id: Int64, at time: Timestamp) async throws -> Bool
}
