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

    /// The body of an alert notification: the kind, the alert as `GET /v1/alerts/{id}` shows it in lists (the
    /// monitored user by pseudonym — a webhook never reveals a name) and the finding that caused the change.
    static func payload(of change: AlertChange) -> JSONValue {
        .object(
            JSONObject([
                ("kind", .string(kind(of: change))),
                ("alert", AlertEncoding.json(change.alert)),
                ("finding_id", change.findingID.map { .integer($0) } ?? .null),
            ])
        )
    }

    /// Queues the notifications of one alert change; a failure to queue is logged, never thrown at detection.
    public func notifyAlertChange(_ change: AlertChange, logger: Logger) async {
        do {
            _ = try await notify(kind: Self.kind(of: change), payload: Self.payload(of: change))
        } catch {
            logger.error("cannot queue the webhook notification", metadata: ["alert": "\(change.alert.id)"])
        }
    }
}
