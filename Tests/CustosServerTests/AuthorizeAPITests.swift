import Crypto
import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Decision point")
struct AuthorizeAPITests {
    static let policies = """
        @id("view-assigned")
        permit(principal, action == Action::"view", resource) when { resource.owner == principal };

        @id("deny-suspended")
        forbid(principal, action, resource) when { principal.suspended };

        @id("export-broken")
        permit(principal, action == Action::"export", resource) when { resource.nonexistent == 1 };
        """
    static let entities = """
        [{"uid": {"type": "User", "id": "alice"}, "attrs": {"suspended": false}, "parents": []},
         {"uid": {"type": "User", "id": "bob"}, "attrs": {"suspended": true}, "parents": []},
         {"uid": {"type": "Case", "id": "c1"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}}},
          "parents": []}]
        """

    static func server() async throws -> TestServer {
        try await TestServer(files: ["policies.cedar": policies, "entities.json": entities])
    }

    static func ask(
        _ client: some TestClientProtocol,
        key: String,
        _ body: String,
        _ check: @escaping @Sendable (TestResponse) throws -> Void
    ) async throws {
        try await client.execute(
            uri: "/v1/authorize",
            method: .post,
            headers: TestServer.headers(key),
            body: ByteBuffer(string: body)
        ) { try check($0) }
    }

    @Test func allowsDeniesAndReportsErroringPolicies() async throws {
        let server = try await Self.server()
        try await server.application.test(.router) { client in
            try await Self.ask(
                client,
                key: server.ingestKey,
                #"{"principal": {"type": "User", "id": "alice"}, "action": "Action::\"view\"", "#
                    + #""resource": {"__entity": {"type": "Case", "id": "c1"}}, "context": {"ip": "10.0.0.1"}, "app": "casebook"}"#
            ) { r in
                #expect(r.status == .ok)
                let o = try #require(r.json.objectValue)
                #expect(o["decision"] == .string("allow"))
                #expect(o["reasons"] == .array([.string("view-assigned")]))
                #expect(o["errors"] == .array([]))
                #expect(o["decision_id"]?.stringValue?.hasPrefix("dec-") == true)
            }
            try await Self.ask(
                client,
                key: server.adminKey,
                #"{"principal": "User::\"bob\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "casebook"}"#
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["decision"] == .string("deny"))
                #expect(r.json.objectValue?["reasons"] == .array([.string("deny-suspended")]))
            }
            try await Self.ask(
                client,
                key: server.ingestKey,
                #"{"principal": "User::\"alice\"", "action": "Action::\"export\"", "resource": "Case::\"c1\"", "app": "casebook"}"#
            ) { r in
                #expect(r.status == .ok)
                let o = try #require(r.json.objectValue)
                #expect(o["decision"] == .string("deny"))
                #expect(o["reasons"] == .array([]))
                let errors = try #require(o["errors"]?.arrayValue)
                #expect(errors.count == 1)
                #expect(errors.first?.objectValue?["policy"] == .string("export-broken"))
                #expect(errors.first?.objectValue?["message"]?.stringValue?.contains("nonexistent") == true)
            }
        }
    }

    @Test func recordsEveryDecisionAsAnEvent() async throws {
        let server = try await Self.server()
        let decisionID = Box<String?>(nil)
        try await server.application.test(.router) { client in
            try await Self.ask(
                client,
                key: server.ingestKey,
                #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "#
                    + #""context": {"purpose": "case 7"}, "app": "casebook"}"#
            ) { r in decisionID.set(r.json.objectValue?["decision_id"]?.stringValue) }
            try await Self.ask(
                client,
                key: server.ingestKey,
                #"{"principal": "User::\"bob\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "casebook"}"#
            ) { r in #expect(r.status == .ok) }
        }
        let page = try await server.store.events(EventQuery(action: "authorize", order: .ascending))
        #expect(page.events.count == 2)
        let allowed = try #require(page.events.first?.event)
        #expect(allowed.actor.id == "alice" && allowed.actor.roles.isEmpty)
        #expect(allowed.outcome == .success)
        #expect(allowed.app == "casebook")
        #expect(allowed.resource?.type == "Case" && allowed.resource?.id == "c1")
        #expect(allowed.decision != nil && allowed.decision == decisionID.get())
        let a = try #require(allowed.attributes)
        #expect(a["cedar_action"] == .string(#"Action::"view""#))
        #expect(a["reasons"] == .array([.string("view-assigned")]))
        #expect(a["errors"] == .array([]))
        #expect(a["context"] == (try JSONParser().parse(#"{"purpose": "case 7"}"#)))
        let policyHash = SHA256Hex.of(Self.policies)
        #expect(a["policy_set_sha256"] == .string(policyHash))
        #expect(a["entities_sha256"] == .string(server.api.entities.current.sha256))
        #expect(a["entities_version"] == .integer(1))
        let denied = try #require(page.events.last?.event)
        #expect(denied.outcome == .denied && denied.actor.id == "bob")
        #expect(denied.attributes?["reasons"] == .array([.string("deny-suspended")]))
    }

    @Test func namesTheBadFieldOfAMalformedBody() async throws {
        let server = try await Self.server()
        let cases: [(String, String)] = [
            ("{", "body"),
            ("[]", "body"),
            (#"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\""}"#, "app"),
            (#"{"action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "x"}"#, "principal"),
            (#"{"principal": 3, "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "x"}"#, "principal"),
            (
                #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "x", "colour": 1}"#,
                "colour"
            ),
            (
                #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "x", "context": 5}"#,
                "context"
            ),
            (
                #"{"principal": "User::\"\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "x"}"#,
                "principal"
            ),
            (
                #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": ""}"#,
                "app"
            ),
        ]
        try await server.application.test(.router) { client in
            for (body, field) in cases {
                try await Self.ask(client, key: server.ingestKey, body) { r in
                    #expect(r.status == .badRequest, "\(body)")
                    #expect(r.headers[.contentType] == "application/problem+json")
                    let path = r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue?["path"]?.stringValue
                    #expect(path?.hasPrefix(field) == true, "\(body): \(String(describing: path))")
                }
            }
        }
        #expect(try await server.store.events(EventQuery(action: "authorize")).events.isEmpty)
    }

    @Test func needsAnIngestOrAdminKey() async throws {
        let server = try await Self.server()
        let body =
            #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "x"}"#
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/authorize",
                method: .post,
                headers: TestServer.headers(nil),
                body: ByteBuffer(string: body)
            ) { #expect($0.status == .unauthorized) }
            try await Self.ask(client, key: server.readKey, body) { #expect($0.status == .forbidden) }
        }
    }

    @Test func failsClosedWithoutAPolicy() async throws {
        let server = try await TestServer()
        let body =
            #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "x"}"#
        try await server.application.test(.router) { client in
            try await Self.ask(client, key: server.ingestKey, body) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(r.headers[.contentType] == "application/problem+json")
                #expect(r.json.objectValue?["detail"]?.stringValue?.contains("no policy loaded") == true)
                #expect(r.json.objectValue?["decision"] == .string("deny"))
            }
        }
    }

    @Test func deniesWith503WhenTheDecisionCannotBeRecorded() async throws {
        let server = try await TestServer(files: ["policies.cedar": Self.policies, "entities.json": Self.entities]) {
            FailingStore(inner: $0)
        }
        let body =
            #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "app": "x"}"#
        try await server.application.test(.router) { client in
            try await Self.ask(client, key: server.ingestKey, body) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(r.headers[.retryAfter] != nil)
                #expect(r.json.objectValue?["type"] == .string("https://custos.dev/problems/not-recorded"))
                #expect(r.json.objectValue?["decision"] == .string("deny"))
            }
        }
    }

    static let schema = """
        entity User = { suspended: Bool };
        entity Case = { owner: User };
        action view appliesTo { principal: User, resource: Case, context: { purpose: String } };
        """

    @Test func aSchemaValidatesPoliciesAndRequests() async throws {
        let policies = #"permit(principal, action == Action::"view", resource) when { resource.owner == principal };"#
        let server = try await TestServer(
            files: ["policies.cedar": policies, "entities.json": Self.entities, "schema.cedarschema": Self.schema])
        try await server.application.test(.router) { client in
            try await Self.ask(
                client,
                key: server.ingestKey,
                #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "#
                    + #""context": {"purpose": "case 7"}, "app": "casebook"}"#
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["decision"] == .string("allow"))
            }
            try await Self.ask(
                client,
                key: server.ingestKey,
                #"{"principal": "Case::\"c1\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "#
                    + #""context": {"purpose": "case 7"}, "app": "casebook"}"#
            ) { r in #expect(r.status == .badRequest) }
            try await Self.ask(
                client,
                key: server.ingestKey,
                #"{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "#
                    + #""context": {"purpose": 7}, "app": "casebook"}"#
            ) { r in
                #expect(r.status == .badRequest)
                let path = r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue?["path"]?.stringValue
                #expect(path?.hasPrefix("context") == true, "\(String(describing: path))")
            }
        }
        #expect(try await server.store.events(EventQuery(action: "authorize")).events.count == 1)

        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = URL(fileURLWithPath: dir.path)
        try Data(#"permit(principal, action, resource) when { resource.colour == "red" };"#.utf8)
            .write(to: url.appendingPathComponent("policies.cedar"))
        try Data(Self.schema.utf8).write(to: url.appendingPathComponent("schema.cedarschema"))
        do {
            _ = try LoadedPolicies.load(dataDirectory: dir.path)
            Issue.record("a policy that fails strict validation was loaded")
        } catch {
            #expect(error.description.hasPrefix(dir.path + "/policies.cedar:1:"), "\(error)")
        }
    }

    @Test func badFilesStopLoadingWithTheirPlace() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let url = URL(fileURLWithPath: dir.path)
        try Data("permit(principal, action, resource);\nforbid(principal action, resource);\n".utf8)
            .write(to: url.appendingPathComponent("policies.cedar"))
        #expect(throws: PolicyLoadError.self) { try LoadedPolicies.load(dataDirectory: dir.path) }
        do {
            _ = try LoadedPolicies.load(dataDirectory: dir.path)
        } catch {
            #expect(error.description.hasPrefix(dir.path + "/policies.cedar:2:"), "\(error)")
        }
        try Data("permit(principal, action, resource);\n".utf8).write(to: url.appendingPathComponent("policies.cedar"))
        try Data("[{\"uid\": }]".utf8).write(to: url.appendingPathComponent("entities.json"))
        do {
            _ = try LoadedPolicies.load(dataDirectory: dir.path)
            Issue.record("a malformed entity file was accepted")
        } catch {
            #expect(error.description.hasPrefix(dir.path + "/entities.json:1:10:"), "\(error)")
        }
        try Data("[]".utf8).write(to: url.appendingPathComponent("entities.json"))
        try Data("entity User;\naction view appliesTo { principal: User, resource: Nope };\n".utf8)
            .write(to: url.appendingPathComponent("schema.cedarschema"))
        #expect(throws: PolicyLoadError.self) { try LoadedPolicies.load(dataDirectory: dir.path) }
        try FileManager.default.removeItem(atPath: dir.path + "/schema.cedarschema")
        #expect(try LoadedPolicies.load(dataDirectory: dir.path) != nil)
        try FileManager.default.removeItem(atPath: dir.path + "/policies.cedar")
        #expect(try LoadedPolicies.load(dataDirectory: dir.path) == nil)
    }
}

/// A tiny lock-protected box for values seen inside response closures.
final class Box<Value: Sendable>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func set(_ v: Value) { lock.withLock { value = v } }
    func get() -> Value { lock.withLock { value } }
}

enum SHA256Hex {
    static func of(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
