import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("What-if policy check")
struct PolicyCheckAPITests {
    static let request = #"{"principal": "User::\"bob\"", "action": "Action::\"view\"", "resource": "Case::\"c1\""}"#

    @Test func checksOwnPoliciesOrCandidatesAndRecordsARead() async throws {
        let server = try await AuthorizeAPITests.server()
        try await server.application.test(.router) { client in
            // Against the set in force: bob is suspended.
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/policy/check",
                key: server.readKey,
                #"{"requests": [\#(Self.request)], "explain": true}"#
            ) { r in
                #expect(r.status == .ok)
                let result = try #require(r.json.objectValue?["results"]?.arrayValue?.first?.objectValue)
                #expect(result["decision"] == .string("deny"))
                #expect(result["reasons"] == .array([.string("deny-suspended")]))
                #expect(result["explanation"]?.stringValue?.contains("forbid deny-suspended (line ") == true)
            }
            // Own policies and entities.
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/policy/check",
                key: server.readKey,
                #"{"policies": "permit(principal, action, resource);", "entities": [], "requests": [\#(Self.request)]}"#
            ) { r in
                let result = r.json.objectValue?["results"]?.arrayValue?.first?.objectValue
                #expect(result?["decision"] == .string("allow"))
                #expect(result?["reasons"] == .array([.string("policy0")]))
            }
            // A candidate added to the set in force.
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/policy/check",
                key: server.readKey,
                #"{"candidates": "forbid(principal, action, resource == Case::\"c1\");", "#
                    + #""requests": [{"principal": "User::\"alice\"", "action": "Action::\"view\"", "resource": "Case::\"c1\""}]}"#
            ) { r in
                let result = r.json.objectValue?["results"]?.arrayValue?.first?.objectValue
                #expect(result?["decision"] == .string("deny"))
                #expect(result?["reasons"] == .array([.string("candidate0")]))
            }
            // A policy that does not parse: located error, nothing decided.
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/policy/check",
                key: server.readKey,
                #"{"policies": "permit(principal, action, resource)\nwhen { 1 + };", "requests": [\#(Self.request)]}"#
            ) { r in
                #expect(r.status == .badRequest)
                let error = r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue
                #expect(error?["path"] == .string("policies"))
                #expect(error?["reason"]?.stringValue?.hasPrefix("2:") == true)
            }
        }
        let reads = try await server.store.events(EventQuery(action: "custos.read"))
        #expect(reads.events.count == 3)
        #expect(reads.events.allSatisfy { $0.event.query == "POST /v1/policy/check" })
    }
}
