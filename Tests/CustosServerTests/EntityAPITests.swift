import CustosCore
import CustosPolicy
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Entity store and batch decisions")
struct EntityAPITests {
    static let bobView =
        #"{"principal": "User::\"bob\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "casebook"}"#
    static let aliceView =
        #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "casebook"}"#

    static func send(
        _ client: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ uri: String,
        key: String,
        _ body: String? = nil,
        _ check: @escaping @Sendable (TestResponse) throws -> Void
    ) async throws {
        try await client.execute(
            uri: uri,
            method: method,
            headers: TestServer.headers(key),
            body: body.map { ByteBuffer(string: $0) }
        ) { try check($0) }
    }

    @Test func summaryNamesVersionHashAndCounts() async throws {
        let server = try await AuthorizeAPITests.server()
        try await server.application.test(.router) { client in
            try await Self.send(client, .get, "/v1/entities", key: server.readKey) { r in
                #expect(r.status == .ok)
                let o = try #require(r.json.objectValue)
                #expect(o["version"] == .integer(1))
                #expect(o["entities"] == .integer(3))
                #expect(o["types"] == .object(JSONObject([("Case", .integer(1)), ("User", .integer(2))])))
                #expect(o["sha256"]?.stringValue?.count == 64)
            }
        }
    }

    @Test func upsertChangesDecisionsAndIsRecorded() async throws {
        let server = try await AuthorizeAPITests.server()
        let before = server.api.entities.current
        let updates = server.api.entities.updates()
        try await server.application.test(.router) { client in
            try await Self.send(client, .post, "/v1/authorize", key: server.ingestKey, Self.bobView) { r in
                #expect(r.json.objectValue?["decision"] == .string("deny"))
            }
            try await Self.send(
                client,
                .post,
                "/v1/entities/upsert",
                key: server.adminKey,
                #"{"uid": {"type": "User", "id": "bob"}, "attrs": {"suspended": false}, "parents": []}"#
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["version"] == .integer(2))
            }
            try await Self.send(client, .post, "/v1/authorize", key: server.ingestKey, Self.bobView) { r in
                // bob is no longer suspended, but does not own c1: default deny, no forbid.
                #expect(r.json.objectValue?["decision"] == .string("deny"))
                #expect(r.json.objectValue?["reasons"] == .array([]))
            }
        }
        let after = server.api.entities.current
        #expect(after.version == 2 && after.sha256 != before.sha256)
        var iterator = updates.makeAsyncIterator()
        let told = await iterator.next()
        #expect(told?.version == 2 && told?.sha256 == after.sha256)

        let changes = try await server.store.events(EventQuery(action: "custos.entities", order: .ascending))
        #expect(changes.events.count == 1)
        let change = try #require(changes.events.first?.event)
        #expect(change.actor.id == "admin-owner")
        #expect(change.attributes?["change"] == .string("upsert"))
        #expect(change.attributes?["version"] == .integer(2))
        #expect(change.attributes?["sha256"] == .string(after.sha256))
        #expect(change.attributes?["previous_sha256"] == .string(before.sha256))
        #expect(change.attributes?["entities"] == .integer(3))
        let decisions = try await server.store.events(EventQuery(action: "authorize", order: .ascending))
        #expect(
            decisions.events.map { $0.event.attributes?["entities_sha256"] } == [
                .string(before.sha256), .string(after.sha256),
            ]
        )

        // The snapshot is persisted: a new registry over the same directory is at the same version.
        let reopened = try EntityRegistry(dataDirectory: server.dataDirectory, schema: nil)
        #expect(reopened.current.version == 2 && reopened.current.sha256 == after.sha256)
        #expect(reopened.current.entities[EntityUID(type: "User", id: "bob")]?.attributes["suspended"] == .bool(false))
    }

    @Test func invalidReplacementIsRefusedWholeWithEveryProblem() async throws {
        let server = try await AuthorizeAPITests.server()
        let before = server.api.entities.current
        try await server.application.test(.router) { client in
            try await Self.send(
                client,
                .put,
                "/v1/entities",
                key: server.adminKey,
                #"[{"uid": {"type": "User", "id": "carol"}, "attrs": {}, "parents": []}, "#
                    + #"{"uid": {"type": "User"}, "attrs": {}, "parents": []}, "#
                    + #"{"uid": {"type": "User", "id": "dan"}, "attrs": {}, "parents": 7}]"#
            ) { r in
                #expect(r.status == .badRequest)
                let errors = try #require(r.json.objectValue?["errors"]?.arrayValue)
                let paths = errors.compactMap { $0.objectValue?["path"]?.stringValue }
                #expect(paths.count == 2)
                #expect(paths.first?.hasPrefix("[1]") == true)
                #expect(paths.last == "[2].parents")
            }
            try await Self.send(client, .put, "/v1/entities", key: server.adminKey, #"{"a": 1}"#) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue?["path"] == .string("body"))
            }
            try await Self.send(client, .put, "/v1/entities", key: server.ingestKey, "[]") { r in
                #expect(r.status == .forbidden)
            }
            try await Self.send(client, .delete, "/v1/entities/User/nobody", key: server.adminKey) { r in
                #expect(r.status == .notFound)
            }
        }
        #expect(server.api.entities.current.version == before.version)
        #expect(server.api.entities.current.sha256 == before.sha256)
        let changes = try await server.store.events(EventQuery(action: "custos.entities"))
        #expect(changes.events.isEmpty)
    }

    @Test func replaceAndDeleteEachMakeAVersion() async throws {
        let server = try await AuthorizeAPITests.server()
        try await server.application.test(.router) { client in
            try await Self.send(
                client,
                .put,
                "/v1/entities",
                key: server.adminKey,
                #"[{"uid": {"type": "User", "id": "alice"}, "attrs": {"suspended": true}, "parents": []}, "#
                    + #"{"uid": {"type": "Case", "id": "c1"}, "attrs": {}, "parents": []}]"#
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["version"] == .integer(2))
                #expect(r.json.objectValue?["entities"] == .integer(2))
            }
            try await Self.send(client, .post, "/v1/authorize", key: server.ingestKey, Self.aliceView) { r in
                #expect(r.json.objectValue?["reasons"] == .array([.string("deny-suspended")]))
            }
            try await Self.send(client, .delete, "/v1/entities/User/alice", key: server.adminKey) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["version"] == .integer(3))
                #expect(r.json.objectValue?["entities"] == .integer(1))
            }
        }
        let changes = try await server.store.events(EventQuery(action: "custos.entities", order: .ascending))
        #expect(changes.events.compactMap { $0.event.attributes?["change"]?.stringValue } == ["replace", "delete"])
    }

    @Test func batchDecidesEachAndRecordsAllInOneCommit() async throws {
        let server = try await AuthorizeAPITests.server()
        try await server.application.test(.router) { client in
            try await Self.send(
                client,
                .post,
                "/v1/authorize/batch",
                key: server.ingestKey,
                #"{"requests": [\#(Self.aliceView), \#(Self.bobView), \#(Self.aliceView)]}"#
            ) { r in
                #expect(r.status == .ok)
                let decisions = try #require(r.json.objectValue?["decisions"]?.arrayValue)
                #expect(
                    decisions.map { $0.objectValue?["decision"] } == [
                        .string("allow"), .string("deny"), .string("allow"),
                    ]
                )
                let ids = Set(decisions.compactMap { $0.objectValue?["decision_id"]?.stringValue })
                #expect(ids.count == 3)
            }
            // One bad request refuses the whole batch, naming it; nothing is decided or recorded.
            try await Self.send(
                client,
                .post,
                "/v1/authorize/batch",
                key: server.ingestKey,
                #"{"requests": [\#(Self.aliceView), {"principal": 3, "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "x"}]}"#
            ) { r in
                #expect(r.status == .badRequest)
                let path = r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue?["path"]?.stringValue
                #expect(path?.hasPrefix("requests[1].principal") == true)
            }
            try await Self.send(client, .post, "/v1/authorize/batch", key: server.ingestKey, #"{"requests": []}"#) {
                r in
                #expect(r.status == .badRequest)
            }
            try await Self.send(client, .get, "/metrics", key: server.readKey) { r in
                let text = String(buffer: r.body)
                #expect(text.contains(#"custos_decisions_total{outcome="allow"} 2"#))
                #expect(text.contains(#"custos_decisions_total{outcome="deny"} 1"#))
                // Evaluations are timed as they happen: the refused batch's first request was evaluated too.
                #expect(text.contains("custos_decision_seconds_count 4"))
            }
        }
        let page = try await server.store.events(EventQuery(action: "authorize", order: .ascending))
        #expect(page.events.count == 3)
        // The three events were appended together: consecutive ledger positions, one receipt time.
        let seqs = page.events.map(\.seq)
        #expect(seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2])
        #expect(Set(page.events.map(\.received)).count == 1)
    }
}
