import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite("Policy hot reload")
struct PolicyReloadTests {
    static let permissive = """
        @id("view-all")
        @owner("records-team")
        permit(principal, action == Action::"view", resource);
        """

    static func write(_ text: String, to server: TestServer) throws {
        try Data(text.utf8).write(
            to: URL(fileURLWithPath: server.dataDirectory).appendingPathComponent("policies.cedar")
        )
    }

    @Test func reloadPutsANewSetInForceAndRecordsIt() async throws {
        let server = try await AuthorizeAPITests.server()
        let before = try #require(server.api.policies?.policySetSHA256)
        try Self.write(Self.permissive, to: server)
        try await server.application.test(.router) { client in
            try await EntityAPITests.send(client, .post, "/v1/policies/reload", key: server.adminKey) { r in
                #expect(r.status == .ok)
                let o = try #require(r.json.objectValue)
                #expect(o["changed"] == .bool(true))
                #expect(o["previous_sha256"] == .string(before))
                #expect(o["sha256"] == .string(SHA256Hex.of(Self.permissive)))
                #expect(o["policies"] == .integer(1))
            }
            try await EntityAPITests.send(client, .post, "/v1/authorize", key: server.ingestKey, EntityAPITests.bobView)
            {
                r in
                #expect(r.json.objectValue?["decision"] == .string("allow"))
                #expect(r.json.objectValue?["reasons"] == .array([.string("view-all")]))
            }
            try await EntityAPITests.send(client, .get, "/v1/policies", key: server.readKey) { r in
                #expect(r.status == .ok)
                let list = try #require(r.json.objectValue?["list"]?.arrayValue)
                #expect(list.count == 1)
                let policy = try #require(list.first?.objectValue)
                #expect(policy["id"] == .string("view-all"))
                #expect(policy["effect"] == .string("permit"))
                #expect(policy["annotations"]?.objectValue?["owner"] == .string("records-team"))
            }
            // The same bytes again: nothing changes and nothing is recorded.
            try await EntityAPITests.send(client, .post, "/v1/policies/reload", key: server.adminKey) { r in
                #expect(r.json.objectValue?["changed"] == .bool(false))
            }
            try await EntityAPITests.send(client, .post, "/v1/policies/reload", key: server.ingestKey) { r in
                #expect(r.status == .forbidden)
            }
        }
        let changes = try await server.store.events(EventQuery(action: "custos.policy"))
        #expect(changes.events.count == 1)
        let change = try #require(changes.events.first?.event)
        #expect(change.actor.id == "admin-owner")
        #expect(change.attributes?["sha256"] == .string(SHA256Hex.of(Self.permissive)))
        #expect(change.attributes?["previous_sha256"] == .string(before))
        #expect(change.attributes?["policies"] == .integer(1))
        let decision = try await server.store.events(EventQuery(action: "authorize"))
        #expect(decision.events.first?.event.attributes?["policy_set_sha256"] == .string(SHA256Hex.of(Self.permissive)))
    }

    @Test func aBrokenSetIsRefusedWholeAndTheLastGoodSetStays() async throws {
        let server = try await AuthorizeAPITests.server()
        let before = try #require(server.api.policies?.policySetSHA256)
        try Self.write(Self.permissive + "\npermit(principal, action, resource) when { principal.x == };\n", to: server)
        try await server.application.test(.router) { client in
            try await EntityAPITests.send(client, .post, "/v1/policies/reload", key: server.adminKey) { r in
                #expect(r.status == .unprocessableContent)
                let message = r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue?["message"]?.stringValue
                // FILE:line:column: reason
                #expect(message?.contains("policies.cedar:4:") == true, "\(message ?? "")")
            }
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/authorize",
                key: server.ingestKey,
                EntityAPITests.aliceView
            ) {
                r in
                #expect(r.json.objectValue?["reasons"] == .array([.string("view-assigned")]))
            }
        }
        #expect(server.api.policies?.policySetSHA256 == before)
        let changes = try await server.store.events(EventQuery(action: "custos.policy"))
        #expect(changes.events.isEmpty)
    }

    @Test func thePollNoticesAChangedFileAndRecordsTheServerAsActor() async throws {
        let server = try await AuthorizeAPITests.server()
        let poll = Task { await server.api.pollPolicies(everySeconds: 1, logger: Logger(label: "test")) }
        defer { poll.cancel() }
        // A different size, so the change is seen even within the file system's timestamp granularity.
        try Self.write(Self.permissive, to: server)
        var reloaded = false
        for _ in 0..<50 where !reloaded {
            try await Task.sleep(for: .milliseconds(100))
            reloaded = server.api.policies?.policySetSHA256 == SHA256Hex.of(Self.permissive)
        }
        #expect(reloaded)
        let changes = try await server.store.events(EventQuery(action: "custos.policy"))
        #expect(changes.events.first?.event.actor.id == "custos")
        #expect(changes.events.first?.event.attributes?["source"]?.stringValue?.hasSuffix("policies.cedar") == true)
    }
}
