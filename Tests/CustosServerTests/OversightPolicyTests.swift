import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Purpose binding, break-glass and shadow policies")
struct OversightPolicyTests {
    static let policies = """
        @id("view-assigned")
        permit(principal, action == Action::"view", resource) when { resource.owner == principal };

        @id("purpose-required")
        forbid(principal, action == Action::"view", resource) unless { context has purpose };

        @id("emergency")
        @break_glass
        permit(principal, action == Action::"view", resource)
        when { context has emergency_reason && context.emergency_reason != "" };

        @id("candidate-no-bob")
        @shadow
        forbid(principal == User::"bob", action, resource);
        """

    static func server() async throws -> TestServer {
        try await TestServer(files: ["policies.cedar": policies, "entities.json": AuthorizeAPITests.entities])
    }

    static func view(_ who: String, context: String) -> String {
        #"{"principal": "User::\"\#(who)\"", "action": "Action::\"view\"", "resource": "Case::\"c1\"", "#
            + #""context": \#(context), "app": "casebook"}"#
    }

    @Test func purposeIsRequiredAndRecordedAsFirstClassFields() async throws {
        let server = try await Self.server()
        try await server.application.test(.router) { client in
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/authorize",
                key: server.ingestKey,
                Self.view("alice", context: "{}")
            ) {
                r in
                #expect(r.json.objectValue?["decision"] == .string("deny"))
                #expect(r.json.objectValue?["reasons"] == .array([.string("purpose-required")]))
            }
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/authorize",
                key: server.ingestKey,
                Self.view("alice", context: #"{"purpose": {"case": "C-2026-0001", "reason": "warrant review"}}"#)
            ) { r in
                #expect(r.json.objectValue?["decision"] == .string("allow"))
            }
        }
        let page = try await server.store.events(EventQuery(action: "authorize", order: .ascending))
        #expect(page.events.first?.event.purpose == nil)
        let bound = try #require(page.events.last?.event.purpose)
        #expect(bound.caseID == "C-2026-0001" && bound.reason == "warrant review")
    }

    @Test func breakGlassAloneOpensAReviewThatIsClosedOnRecord() async throws {
        let server = try await Self.server()
        let reviewID = Box<String?>(nil)
        try await server.application.test(.router) { client in
            // bob owns nothing: only the emergency permit applies.
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/authorize",
                key: server.ingestKey,
                Self.view("bob", context: #"{"purpose": "child at risk", "emergency_reason": "child at risk"}"#)
            ) { r in
                #expect(r.json.objectValue?["decision"] == .string("allow"))
                #expect(r.json.objectValue?["reasons"] == .array([.string("emergency")]))
                reviewID.set(r.json.objectValue?["review_id"]?.stringValue)
            }
            // alice owns c1: the ordinary permit also applies, so no review.
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/authorize",
                key: server.ingestKey,
                Self.view("alice", context: #"{"purpose": "x", "emergency_reason": "y"}"#)
            ) { r in
                #expect(r.json.objectValue?["decision"] == .string("allow"))
                #expect(r.json.objectValue?["review_id"] == nil)
            }
            let id = try #require(reviewID.get())
            try await EntityAPITests.send(client, .get, "/v1/reviews", key: server.readKey) { r in
                #expect(r.status == .ok)
                let reviews = try #require(r.json.objectValue?["reviews"]?.arrayValue)
                #expect(reviews.count == 1)
                let review = try #require(reviews.first?.objectValue)
                #expect(review["id"] == .string(id))
                #expect(review["status"] == .string("open"))
                #expect(review["policy"] == .string("emergency"))
                #expect(review["principal"] == .string(#"User::"bob""#))
                #expect(review["purpose"]?.objectValue?["reason"] == .string("child at risk"))
            }
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/reviews/\(id)/close",
                key: server.adminKey,
                #"{"outcome": "maybe"}"#
            ) { r in
                #expect(r.status == .badRequest)
            }
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/reviews/\(id)/close",
                key: server.adminKey,
                #"{"outcome": "justified", "note": "confirmed with the duty officer"}"#
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["status"] == .string("closed"))
                #expect(r.json.objectValue?["closed_by"] == .string("admin-owner"))
            }
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/reviews/\(id)/close",
                key: server.adminKey,
                #"{"outcome": "justified"}"#
            ) { r in
                #expect(r.status == .conflict)
            }
            try await EntityAPITests.send(client, .get, "/v1/reviews?status=open", key: server.readKey) { r in
                #expect(r.json.objectValue?["reviews"] == .array([]))
            }
        }
        let decisions = try await server.store.events(EventQuery(action: "authorize", order: .ascending))
        #expect(decisions.events.first?.event.attributes?["break_glass"] == .bool(true))
        #expect(decisions.events.first?.event.attributes?["review"] == reviewID.get().map { .string($0) })
        let closes = try await server.store.events(EventQuery(action: "custos.review"))
        #expect(closes.events.count == 1)
        #expect(closes.events.first?.event.attributes?["outcome"] == .string("justified"))
        let reads = try await server.store.events(EventQuery(action: "custos.read"))
        #expect(reads.events.count == 2)
        // The reviews survive a restart.
        let reopened = try ReviewStore(dataDirectory: server.dataDirectory)
        #expect(reopened.all.count == 1 && reopened.all.first?.outcome == "justified")
    }

    @Test func shadowPoliciesNeverBlockButRecordDisagreement() async throws {
        let server = try await Self.server()
        try await server.application.test(.router) { client in
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/authorize",
                key: server.ingestKey,
                Self.view("bob", context: #"{"purpose": "p", "emergency_reason": "fire"}"#)
            ) { r in
                // The shadow forbid on bob does not block.
                #expect(r.json.objectValue?["decision"] == .string("allow"))
            }
            try await EntityAPITests.send(
                client,
                .post,
                "/v1/authorize",
                key: server.ingestKey,
                Self.view("alice", context: #"{"purpose": "p"}"#)
            ) { r in
                #expect(r.json.objectValue?["decision"] == .string("allow"))
            }
            try await EntityAPITests.send(client, .get, "/metrics", key: server.readKey) { r in
                #expect(String(buffer: r.body).contains("custos_shadow_disagreements_total 1"))
            }
            try await EntityAPITests.send(client, .get, "/v1/policies", key: server.readKey) { r in
                let list = r.json.objectValue?["list"]?.arrayValue ?? []
                #expect(list.count == 4)
                #expect(list.last?.objectValue?["shadow"] == .bool(true))
                #expect(r.json.objectValue?["shadow_policies"] == .integer(1))
            }
        }
        let page = try await server.store.events(EventQuery(action: "authorize", order: .ascending))
        let bob = try #require(page.events.first?.event.attributes)
        #expect(bob["shadow_decision"] == .string("deny"))
        #expect(bob["shadow_reasons"] == .array([.string("candidate-no-bob")]))
        #expect(page.events.last?.event.attributes?["shadow_decision"] == nil)
    }
}
