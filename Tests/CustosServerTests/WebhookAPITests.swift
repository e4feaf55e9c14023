import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The `/v1/webhooks` routes: the dead-letter list, manual retry and the test ping, with a real receiver.
@Suite("Webhook API")
struct WebhookAPITests {
    static let secret = "whsec-api-test-0123456789"

    @Test func deadLettersAreListedRetriedAndPingsSent() async throws {
        let receiver = try await WebhookReceiver.start(secret: Self.secret, script: [.status(503), .status(503)])
        defer { Task { await receiver.stop() } }
        let endpoint = WebhookEndpoint(
            name: "siem",
            url: receiver.url,
            secret: Array(Self.secret.utf8),
            timeoutSeconds: 5,
            maximumAttempts: 2,
            backoffBaseSeconds: 0.05
        )
        let server = try await TestServer(webhooks: [endpoint])
        let notifier = try #require(server.notifier)
        let running = Task { await notifier.run() }
        defer { running.cancel() }
        let id = try #require(
            try await notifier.notify(kind: "alert.opened", payload: .object(JSONObject([("n", .integer(1))]))).first?
                .id
        )
        _ = try await WebhookNotifierTests.settled(id, in: server.store)
        let admin = TestServer.headers(server.adminKey)
        try await server.application.test(.router) { client in
            for key in [server.readKey, server.ingestKey] {
                try await client.execute(
                    uri: "/v1/webhooks/deliveries?status=dead",
                    method: .get,
                    headers: TestServer.headers(key)
                ) { #expect($0.status == .forbidden) }
                try await client.execute(uri: "/v1/webhooks/test", method: .post, headers: TestServer.headers(key)) {
                    #expect($0.status == .forbidden)
                }
            }
            try await client.execute(uri: "/v1/webhooks/deliveries?status=dead", method: .get) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/webhooks/deliveries?status=dead", method: .get, headers: admin) { r in
                #expect(r.status == .ok)
                let list = r.json.objectValue?["deliveries"]?.arrayValue ?? []
                try #require(list.count == 1)
                let d = list[0].objectValue
                #expect(d?["id"]?.stringValue == id)
                #expect(d?["endpoint"]?.stringValue == "siem")
                #expect(d?["status"]?.stringValue == "dead")
                #expect(d?["attempts"] == .integer(2))
                #expect(d?["last_status"] == .integer(503))
                #expect(d?["last_error"]?.stringValue == "HTTP 503")
                #expect(d?["notification"]?.objectValue?["data"] == .object(JSONObject([("n", .integer(1))])))
                #expect(r.json.objectValue?["next_cursor"] == .null)
                #expect(!String(buffer: r.body).contains(Self.secret))
                #expect(!String(buffer: r.body).contains(receiver.url))
            }
            try await client.execute(uri: "/v1/webhooks/deliveries?status=pending", method: .get, headers: admin) {
                #expect($0.json.objectValue?["deliveries"]?.arrayValue?.count == 0)
            }
            try await client.execute(uri: "/v1/webhooks/deliveries?status=lost", method: .get, headers: admin) { r in
                #expect(r.status == .badRequest)
                #expect(r.headers[.contentType] == "application/problem+json")
                #expect(r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue?["path"] == .string("status"))
            }
            try await client.execute(uri: "/v1/webhooks/deliveries/\(id)/retry", method: .post, headers: admin) {
                r in
                #expect(r.status == .accepted)
                #expect(r.json.objectValue?["status"]?.stringValue == "pending")
                #expect(r.json.objectValue?["attempts"] == .integer(0))
            }
            #expect(try await WebhookNotifierTests.settled(id, in: server.store)?.status == .delivered)
            try await client.execute(uri: "/v1/webhooks/deliveries/\(id)/retry", method: .post, headers: admin) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/v1/webhooks/deliveries/dlv_nope/retry", method: .post, headers: admin) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/v1/webhooks/deliveries/\(id)", method: .get, headers: admin) {
                #expect($0.json.objectValue?["status"]?.stringValue == "delivered")
            }
            var pingID = ""
            try await client.execute(uri: "/v1/webhooks/test", method: .post, headers: admin) { r in
                #expect(r.status == .accepted)
                let list = r.json.objectValue?["deliveries"]?.arrayValue ?? []
                #expect(list.count == 1)
                #expect(list.first?.objectValue?["kind"]?.stringValue == "ping")
                pingID = list.first?.objectValue?["id"]?.stringValue ?? ""
            }
            #expect(try await WebhookNotifierTests.settled(pingID, in: server.store)?.status == .delivered)
            try await client.execute(
                uri: "/v1/webhooks/test",
                method: .post,
                headers: admin,
                body: ByteBuffer(string: #"{"endpoint":"pager"}"#)
            ) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: "/v1/webhooks/test",
                method: .post,
                headers: admin,
                body: ByteBuffer(string: #"{"endpoint":"siem","extra":1}"#)
            ) { #expect($0.status == .badRequest) }
        }
        let pings = receiver.received.filter { $0.headers["custos-event"] == "ping" }
        #expect(pings.count == 1 && pings[0].signatureValid)
        // The listing and the single read are reads of audit data (the notifications), so they are recorded.
        let reads = try await server.store.events(EventQuery(action: "custos.read", limit: 100)).events
        let resources = Set(reads.compactMap { $0.event.resource?.id })
        #expect(resources.contains("webhooks/deliveries"))
        #expect(resources.contains("webhooks/deliveries/\(id)"))
    }

    @Test func withoutEndpointsTheTestAnswersConflict() async throws {
        let server = try await TestServer(webhooks: [])
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/webhooks/test",
                method: .post,
                headers: TestServer.headers(server.adminKey)
            ) { r in
                #expect(r.status == .conflict)
                #expect(r.json.objectValue?["type"]?.stringValue == "https://custos.dev/problems/no-webhooks")
            }
        }
    }
}
