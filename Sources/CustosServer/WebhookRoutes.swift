import CustosCore
import CustosStore
import Foundation
import Hummingbird
import Prometheus

extension CustosAPI {
    /// The largest `POST /v1/webhooks/test` body, in bytes.
    static let maximumWebhookTestBodyBytes = 4096

    func addWebhookRoutes(to router: Router<CustosRequestContext>) {
        router.get("/v1/webhooks/deliveries") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .admin)
            let notifier = try self.requireWebhooks()
            let params = try Self.parameters(request)
            try params.checkKnown(["status", "cursor", "limit"])
            var status: WebhookDelivery.Status?
            if let text = params.values["status"] {
                guard let s = WebhookDelivery.Status(rawValue: text) else {
                    throw Problem.badParameter("status", "must be pending, delivered or dead")
                }
                status = s
            }
            var cursor: Int64?
            if let text = params.values["cursor"] {
                guard let n = Int64(text), n > 0 else {
                    throw Problem.badParameter("cursor", "is not a cursor from a previous page")
                }
                cursor = n
            }
            let limit = try params.limit(default: 100, maximum: 1000)
            let page = try await notifier.deliveries(status: status, cursor: cursor, limit: limit)
            try await self.recorder.record(
                key: key,
                what: "GET " + request.uri.description,
                resource: "webhooks/deliveries"
            )
            self.metrics.reads.increment()
            return Response.json(
                .object(
                    JSONObject([
                        ("deliveries", .array(page.deliveries.map { Self.json($0, withNotification: true) })),
                        ("next_cursor", page.nextCursor.map { .string(String($0)) } ?? .null),
                    ])
                )
            )
        }
        router.get("/v1/webhooks/deliveries/:id") { request, context in
            let key = try await self.authenticator.authenticate(request, scope: .admin)
            let notifier = try self.requireWebhooks()
            let id = try Self.pathParameter(context, "id")
            try Self.parameters(request).checkKnown([])
            guard let delivery = try await notifier.delivery(id: id) else {
                throw Problem.notFound("no webhook delivery has id \"\(id)\"")
            }
            try await self.recorder.record(
                key: key,
                what: "GET " + request.uri.description,
                resource: "webhooks/deliveries/\(id)"
            )
            self.metrics.reads.increment()
            return Response.json(Self.json(delivery, withNotification: true))
        }
        router.post("/v1/webhooks/deliveries/:id/retry") { request, context in
            _ = try await self.authenticator.authenticate(request, scope: .admin)
            let notifier = try self.requireWebhooks()
            let id = try Self.pathParameter(context, "id")
            try Self.parameters(request).checkKnown([])
            switch try await notifier.retry(id: id) {
            case .requeued(let delivery):
                return Response.json(Self.json(delivery, withNotification: false), status: .accepted)
            case .alreadyDelivered:
                throw Problem(
                    .conflict,
                    type: "already-delivered",
                    title: "Already delivered",
                    detail: "webhook delivery \(id) was delivered; there is nothing to retry"
                )
            case .endpointMissing(let delivery):
                throw Problem(
                    .conflict,
                    type: "unknown-endpoint",
                    title: "Unknown endpoint",
                    detail: "no webhook endpoint named '\(delivery.endpoint)' is configured; add it and restart"
                )
            case .notFound:
                throw Problem.notFound("no webhook delivery has id \"\(id)\"")
            }
        }
        router.post("/v1/webhooks/test") { request, _ in
            _ = try await self.authenticator.authenticate(request, scope: .admin)
            let notifier = try self.requireWebhooks()
            try Self.parameters(request).checkKnown([])
            let endpoint = try await Self.webhookTestEndpoint(request)
            if notifier.endpoints.isEmpty {
                throw Problem(
                    .conflict,
                    type: "no-webhooks",
                    title: "No webhooks",
                    detail: "no webhook endpoints are configured (\"webhooks\" in the server's config file)"
                )
            }
            let deliveries = try await notifier.ping(endpoint: endpoint)
            if deliveries.isEmpty {
                throw Problem.notFound("no webhook endpoint is named '\(endpoint ?? "")'")
            }
            return Response.json(
                .object(
                    JSONObject([
                        ("deliveries", .array(deliveries.map { Self.json($0, withNotification: false) }))
                    ])
                ),
                status: .accepted
            )
        }
    }

    func requireWebhooks() throws(Problem) -> WebhookNotifier {
        guard let webhooks else {
            throw Problem(
                .serviceUnavailable,
                type: "no-webhooks",
                title: "Webhooks not running",
                detail: "this server runs no webhook notifier",
                headers: [.retryAfter: "60"]
            )
        }
        return webhooks
    }

    /// The optional `{"endpoint": name}` of a test request (an empty body means every endpoint).
    static func webhookTestEndpoint(_ request: Request) async throws -> String? {
        guard
            let object = try await JSONRequestBody.object(
                of: request,
                maximumBytes: maximumWebhookTestBodyBytes,
                allowsEmpty: true
            )
        else { return nil }
        for key in object.keys where key != "endpoint" {
            throw Problem.badParameter(key, "unknown field (expected endpoint)")
        }
        guard let value = object["endpoint"] else { return nil }
        guard case .string(let name) = value, !name.isEmpty, name.utf8.count <= 64 else {
            throw Problem.badParameter("endpoint", "must be an endpoint name (1 to 64 characters)")
        }
        return name
    }

    /// A delivery as the API shows it; the notification itself (audit data) only in recorded reads.
    static func json(_ d: WebhookDelivery, withNotification: Bool) -> JSONValue {
        func time(_ t: Timestamp?) -> JSONValue { t.map { .string($0.rfc3339) } ?? .null }
        var o = JSONObject([
            ("id", .string(d.id)), ("endpoint", .string(d.endpoint)), ("kind", .string(d.kind)),
            ("status", .string(d.status.rawValue)), ("attempts", .integer(Int64(d.attempts))),
            ("created", time(d.created)), ("next_attempt", d.status == .pending ? time(d.nextAttempt) : .null),
            ("last_attempt", time(d.lastAttempt)), ("last_status", d.lastStatus.map { .integer(Int64($0)) } ?? .null),
            ("last_error", d.lastError.map { .string($0) } ?? .null), ("delivered", time(d.delivered)),
        ])
        if withNotification {
            o["notification"] = (try? JSONParser().parse(d.body)) ?? .null
        }
        return .object(o)
    }
}
