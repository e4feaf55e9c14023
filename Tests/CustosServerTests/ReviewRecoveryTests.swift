import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Break-glass reviews survive a crash between the decision and the review")
struct ReviewRecoveryTests {
    static let emergency = OversightPolicyTests.view(
        "bob",
        context: #"{"purpose": {"case": "C-7", "reason": "child at risk"}, "emergency_reason": "child at risk"}"#
    )

    @Test func aDecisionStoredWithoutItsReviewIsReopenedOnRestart() async throws {
        let server = try await OversightPolicyTests.server()
        // Block reviews.json (a non-empty directory in its place): the decision is stored, the review is not —
        // exactly the state a crash between the two leaves.
        let blocker = server.dataDirectory + "/" + ReviewStore.file
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker + "/keep"))
        try await server.application.test(.router) { client in
            try await EntityAPITests.send(client, .post, "/v1/authorize", key: server.ingestKey, Self.emergency) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(r.json.objectValue?["type"] == .string("https://custos.dev/problems/review-not-opened"))
            }
        }
        try FileManager.default.removeItem(atPath: blocker)
        let decisions = try await server.store.events(EventQuery(action: "authorize"))
        let decision = try #require(decisions.events.first?.event)
        #expect(decision.attributes?["break_glass"] == .bool(true))
        #expect(try ReviewStore(dataDirectory: server.dataDirectory).all.isEmpty)

        // A restart: a new API over the same store and data directory, recovering before it serves.
        let restarted = CustosAPI(
            store: server.store,
            entities: server.api.entities,
            dataDirectory: server.dataDirectory,
            reviews: try ReviewStore(dataDirectory: server.dataDirectory)
        )
        let recovered = try await restarted.recoverReviews()
        #expect(recovered.count == 1)
        let review = try #require(try ReviewStore(dataDirectory: server.dataDirectory).all.first)
        #expect(review.isOpen)
        #expect(review.decisionID == decision.decision)
        #expect(.string(review.id) == decision.attributes?["review"])
        #expect(review.principal == #"User::"bob""#)
        #expect(review.action == #"Action::"view""#)
        #expect(review.resource == #"Case::"c1""#)
        #expect(review.policy == "emergency")
        #expect(review.app == "casebook")
        #expect(review.purpose?.reason == "child at risk")
        #expect(review.openedAt == decision.time)

        // Recovery is idempotent, and a later start reads only what came after the mark.
        #expect(try await restarted.recoverReviews().isEmpty)
        let mark = try ReviewStore(dataDirectory: server.dataDirectory).checkedThroughSeq
        #expect(mark == (try await server.store.statistics().events) - 1)
    }

    @Test func theMarkStaysWhileAReviewFailedToOpen() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let reviews = try ReviewStore(dataDirectory: dir.path)
        #expect(try reviews.markChecked(through: 4))
        #expect(try ReviewStore(dataDirectory: dir.path).checkedThroughSeq == 4)
        try FileManager.default.createDirectory(
            atPath: dir.path + "/" + ReviewStore.file + "/blocked",
            withIntermediateDirectories: true
        )
        let item = ReviewItem(
            id: "rev-1",
            decisionID: "dec-1",
            openedAt: EventFixtures.baseTime,
            principal: #"User::"bob""#,
            action: #"Action::"view""#,
            resource: #"Case::"c1""#,
            policy: "emergency",
            app: "casebook"
        )
        #expect(throws: (any Error).self) { try reviews.open([item]) }
        #expect(try reviews.markChecked(through: 9) == false)
        #expect(try ReviewStore(dataDirectory: dir.path).checkedThroughSeq == 4)
    }
}
