import CustosCore
import CustosDetect
import CustosPolicy
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite("Entities after a change: schema, decisions and detection")
struct EntityReloadTests {
    static let policies =
        #"permit(principal, action == Action::"view", resource) when { resource.owner == principal };"#
    static let schema = """
        entity User = { suspended: Bool };
        entity Case = { owner: User };
        action view appliesTo { principal: User, resource: Case };
        """
    static let aliceView =
        #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "casebook"}"#

    static func server() async throws -> TestServer {
        try await TestServer(
            files: [
                "policies.cedar": policies, "entities.json": AuthorizeAPITests.entities, "schema.cedarschema": schema,
            ]
        )
    }

    static func write(_ files: [String: String], to server: TestServer) throws {
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: server.dataDirectory).appendingPathComponent(name))
        }
    }

    @Test func aNewSchemaIsRefusedWhenTheEntitiesDoNotConformAndOtherwiseValidatesChanges() async throws {
        let server = try await Self.server()
        let policySHA = try #require(server.api.policies?.policySetSHA256)
        try await server.application.test(.router) { client in
            // `level` is required by the new schema and no user has it: the reload is refused whole.
            try Self.write(
                [
                    "schema.cedarschema": Self.schema.replacingOccurrences(
                        of: "suspended: Bool",
                        with: "suspended: Bool, level: Long"
                    )
                ],
                to: server
            )
            try await EntityAPITests.send(client, .post, "/v1/policies/reload", key: server.adminKey) { r in
                #expect(r.status == .unprocessableContent)
                let message = r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue?["message"]?.stringValue
                #expect(message?.hasPrefix("entities.json: entities[") == true, "\(message ?? "")")
            }
            // An optional `level`: the same policies under a new schema are a change, and the schema is in force.
            try Self.write(
                [
                    "schema.cedarschema": Self.schema.replacingOccurrences(
                        of: "suspended: Bool",
                        with: "suspended: Bool, level?: Long"
                    )
                ],
                to: server
            )
            try await EntityAPITests.send(client, .post, "/v1/policies/reload", key: server.adminKey) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["changed"] == .bool(true))
                #expect(r.json.objectValue?["sha256"] == .string(policySHA))
            }
            // Entity changes are now validated against the new schema: `level` is known, and must be a Long.
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/entities/upsert",
                key: server.adminKey,
                #"{"uid": {"type": "User", "id": "carol"}, "attrs": {"suspended": false, "level": 3}, "parents": []}"#
            ) { r in
                #expect(r.status == .ok, "\(r.json)")
            }
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/entities/upsert",
                key: server.adminKey,
                #"{"uid": {"type": "User", "id": "dave"}, "attrs": {"suspended": false, "level": "high"}, "parents": []}"#
            ) { r in
                #expect(r.status == .badRequest)
            }
        }
        let changes = try await server.store.events(EventQuery(action: "custos.policy"))
        #expect(changes.events.count == 1)
        #expect(changes.events.first?.event.attributes?["schema_sha256"]?.stringValue?.count == 64)
    }

    @Test func aNewSchemaPutsItsActionGroupsInForceForDecisions() async throws {
        let server = try await Self.server()
        try await server.application.test(.router) { client in
            try Self.write(
                [
                    "schema.cedarschema": Self.schema.replacingOccurrences(
                        of: "action view appliesTo",
                        with: "action access;\naction view in [access] appliesTo"
                    ),
                    "policies.cedar": Self.policies.replacingOccurrences(
                        of: #"action == Action::"view""#,
                        with: #"action in Action::"access""#
                    ),
                ],
                to: server
            )
            try await EntityAPITests.send(client, .post, "/v1/policies/reload", key: server.adminKey) { r in
                #expect(r.status == .ok, "\(r.json)")
            }
            // `view` is in `access` only under the new schema: the index and the evaluator must both see it.
            try await EntityAPITests.send(client, .post, "/v1/authorize", key: server.ingestKey, Self.aliceView) { r in
                #expect(r.json.objectValue?["decision"] == .string("allow"), "\(r.json)")
            }
        }
    }

    @Test func aHandEditedEntitiesFileIsNoticedByThePollAndRecorded() async throws {
        let server = try await AuthorizeAPITests.server()
        let before = server.api.entities.current
        let poll = Task { await server.api.pollPolicies(everySeconds: 1, logger: Logger(label: "test")) }
        defer { poll.cancel() }
        // bob is no longer suspended and now owns c1.
        let edited = """
            [{"uid": {"type": "User", "id": "alice"}, "attrs": {"suspended": false}, "parents": []},
             {"uid": {"type": "User", "id": "bob"}, "attrs": {"suspended": false}, "parents": []},
             {"uid": {"type": "Case", "id": "c1"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "bob"}}},
              "parents": []}]
            """
        try Self.write(["entities.json": edited], to: server)
        var reloaded = false
        for _ in 0..<50 where !reloaded {
            try await Task.sleep(for: .milliseconds(100))
            reloaded = server.api.entities.current.version == before.version + 1
        }
        #expect(reloaded)
        try await server.application.test(.router) { client in
            try await EntityAPITests.send(client, .post, "/v1/authorize", key: server.ingestKey, EntityAPITests.bobView)
            { r in
                #expect(r.json.objectValue?["decision"] == .string("allow"), "\(r.json)")
            }
        }
        let changes = try await server.store.events(EventQuery(action: "custos.entities"))
        #expect(changes.events.count == 1)
        #expect(changes.events.first?.event.actor.id == "custos")
        #expect(changes.events.first?.event.attributes?["change"] == .string("file"))
        #expect(changes.events.first?.event.attributes?["previous_sha256"] == .string(before.sha256))
        // The server's own write of the file is not taken for another change.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(server.api.entities.current.version == before.version + 1)
    }

    @Test func entityChangesReachTheBaselineDetectors() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(directory: dir.path)
        let service = DetectionServiceTests.service(store, rules: try DetectionFixtures.rulesDirectory())
        await service.addSource(name: "baselines", BaselineDetector())
        let registry = EntityRegistry()
        let list = try JSONParser().parse(
            #"[{"uid": {"type": "Custos::User", "id": "officer-1"}, "attrs": {"kind": "human", "last_activity": "2026-05-01"}, "parents": []}]"#
        )
        let snapshot = try await registry.replaceAll(list.arrayValue ?? []) { _, _ in }
        await service.updateEntities(snapshot)
        let event = EventFixtures.event(
            id: "e-1",
            minutes: 0,
            actor: "officer-1",
            action: "view",
            resource: "persons/1"
        )
        _ = try await store.append([[event]], received: EventFixtures.baseTime)
        try await service.processAvailable()
        // The directory says officer-1 was last active in May: the first event since is a dormancy finding.
        let findings = try await store.findings(after: nil, limit: 100)
        #expect(findings.contains { $0.finding.rule == "baseline.dormancy" }, "\(findings.map(\.finding.rule))")
    }
}
