import CustosCore
import CustosLedger
import CustosSQLite
import CustosStore
import CustosTestKit
import Foundation
import Testing

@Suite("Erasure")
struct ErasureTests {
    /// The record `custos erase` makes before erasing `plan`.
    static func eraseRecord(_ plan: ErasurePlan) -> AccessEvent {
        var attributes = JSONObject()
        attributes["seqs"] = .string(plan.ranges)
        attributes["count"] = .integer(Int64(plan.seqs.count))
        return AccessEvent(
            time: EventFixtures.baseTime,
            actor: Actor(id: "retention"),
            action: SQLiteStore.eraseAction,
            app: "custos-cli",
            attributes: attributes
        )
    }

    @Test("seq ranges are compact and parse back")
    func ranges() throws {
        let plan = ErasurePlan(seqs: [0, 1, 2, 5, 7, 8])
        #expect(plan.ranges == "0-2,5,7-8")
        #expect(ErasurePlan.ranges(parsing: plan.ranges) == [0...2, 5...5, 7...8])
        #expect(ErasurePlan.ranges(parsing: "") == [])
        for bad in ["a", "3-1", "1-2-3", ",", "1,"] { #expect(ErasurePlan.ranges(parsing: bad) == nil, "\(bad)") }
    }

    @Test("erased events keep their entries: the store verifies, counting them as redacted")
    func eraseThenVerify() async throws {
        let (store, signer) = try await LedgerVerifyTests.makeStore()
        let headBefore = try await store.ledgerHead()
        let cutoff = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 100 * 60_000)
        let plan = try await store.erasurePlan(before: cutoff, app: "casebook")
        #expect(plan.seqs == Array(0..<100))
        #expect(try await store.erasurePlan(before: cutoff, app: "other").seqs.isEmpty)
        _ = try await store.append([[Self.eraseRecord(plan)]], received: EventFixtures.baseTime)
        #expect(try await store.erase(plan) == 100)
        #expect(try await store.erase(plan) == 0, "an erased event is not erased twice")
        #expect(try await store.erasurePlan(before: cutoff, app: nil).seqs.isEmpty)

        let result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.problems == [])
        #expect(result.redactedEntries == 100)
        #expect(result.checkpointsVerified == 2)
        let head = try await store.ledgerHead()
        #expect(head.size == headBefore.size + 1)
        // The erased events answer no query by their old content.
        let byActor = try await store.events(EventQuery(actor: "officer-1", limit: 1000))
        #expect(byActor.events.allSatisfy { $0.seq >= 100 })
        #expect(try await store.ledgerRecords(seqs: [5])[5]?.salts == [])
    }

    @Test("an erased row with another leaf, or a blanking without a recorded erasure, fails")
    func tamperedRedaction() async throws {
        let (store, signer) = try await LedgerVerifyTests.makeStore()
        let cutoff = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 10 * 60_000)
        let plan = try await store.erasurePlan(before: cutoff, app: nil)
        // Erased without the record: every blanked entry is named.
        _ = try await store.erase(plan)
        var result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.firstBadEntry == 0)
        #expect(result.problems.contains { $0.contains("no recorded custos.erase covers it") })

        _ = try await store.append([[Self.eraseRecord(plan)]], received: EventFixtures.baseTime)
        result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.problems == [])
        try LedgerVerifyTests.tamper(
            store,
            "UPDATE events SET leaf = (SELECT leaf FROM events WHERE seq = 8) WHERE seq = 7"
        )
        result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.firstBadEntry == 7)
    }
}
