import CustosCore
import CustosStore
import Logging

extension WebhookNotifier {
    /// The notification kind of an alert change: `alert.opened`, `alert.updated` (a finding joined it) or
    /// `alert.triaged` (assigned, commented, acknowledged, resolved, reopened).
    static func kind(of change: AlertChange) -> String {
        switch change.kind {
        case .opened: "alert.opened"
        case .findingAdded: "alert.updated"
        case .triaged: "alert.triaged"
        }
    }

    /// Queues the notifications of one alert change (``AlertChange/jsonValue``: the user pseudonymised, never
    /// revealed); a failure to queue is logged, never thrown at detection.
    public func notifyAlertChange(_ change: AlertChange, logger: Logger) async {
        do {
            _ = try await notify(kind: Self.kind(of: change), payload: change.jsonValue)
        } catch {
            logger.error("cannot queue the webhook notification", metadata: ["alert": "\(change.alert.id)"])
        }
    }
}
