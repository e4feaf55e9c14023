import CustosCore
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

@testable import CustosSQLite

/// The index file keeps its postings as sorted runs merged by a size-tiered policy (docs/storage.md, "Posting
/// runs"): the policy must keep few runs without unbounded rewriting, and the store's answers must not depend on how
/// the postings are split into runs.
@Suite("Posting runs")
struct PostingRunsTests {
    /// Applies `policy`'s merges to `runs` until it names none; returns the runs and the postings rewritten.
    static func settle(_ runs: [PostingRun], _ policy: PostingMergePolicy) -> (runs: [PostingRun], rewritten: Int64) {
        var runs = runs
        var rewritten: Int64 = 0
        while let group = policy.nextMerge(runs) {
            let merged = PostingRun(
                id: 0,
                first: runs[group.lowerBound].first,
                end: runs[group.upperBound].end,
                entries: runs[group].reduce(0) { $0 + $1.entries }
            )
            #expect(merged.entries <= policy.maximumEntries, "no merge writes a run above the cap")
            rewritten += merged.entries
            runs.replaceSubrange(group, with: [merged])
        }
        return (runs, rewritten)
    }

    @Test(
        "after every chunk the runs are contiguous, in non-increasing tiers, fewer than `factor` per tier",
        arguments: [UInt64(1), 2, 3, 4, 5, 6]
    )
    func policySettlesToFewRuns(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let policy = PostingMergePolicy(factor: 4, base: 100, maximumEntries: 2_000_000)
        var runs: [PostingRun] = []
        var seq: Int64 = 0
        var total: Int64 = 0
        var rewritten: Int64 = 0
        for step in 0..<2_000 {
            // Chunks of every size: a trickle of single events, then bursts of whole chunks.
            let size = Int64(random.next() % 4 == 0 ? random.next() % 40_000 + 1 : random.next() % 50 + 1)
            runs.append(PostingRun(id: 0, first: seq, end: seq + size, entries: size))
            seq += size
            total += size
            let settled = Self.settle(runs, policy)
            runs = settled.runs
            rewritten += settled.rewritten
            #expect(runs.first?.first == 0 && runs.last?.end == seq, "step \(step): the runs cover every seq")
            #expect(zip(runs, runs.dropFirst()).allSatisfy { $0.end == $1.first }, "step \(step): no gap or overlap")
            #expect(runs.reduce(0) { $0 + $1.entries } == total)
            let tiers = runs.map { policy.tier($0.entries) }
            let open = zip(runs, tiers).filter { $0.0.entries * Int64(policy.factor) <= policy.maximumEntries }
            #expect(
                zip(open, open.dropFirst()).allSatisfy { $0.1 >= $1.1 },
                "step \(step): tiers never rise towards the newest run: \(tiers)"
            )
            #expect(
                Dictionary(grouping: open.map(\.1), by: { $0 }).values.allSatisfy { $0.count < policy.factor },
                "step \(step): fewer than \(policy.factor) runs per tier: \(tiers)"
            )
        }
        // Size-tiered: each posting is rewritten about once per tier it climbs (log4 of 2,000 chunks' worth).
        let amplification = Double(rewritten) / Double(total)
        #expect(amplification < 10, "postings rewritten \(amplification) times on average")
        #expect(runs.count < 40, "\(runs.count) runs")
    }

    @Test(
        "up to `minimumRuns` runs are left alone; beyond, the policy merges until at most that many remain or none fit"
    )
    func minimumRunsAreLeftAlone() {
        let policy = PostingMergePolicy(factor: 4, base: 100, maximumEntries: 1_000_000, minimumRuns: 8)
        var runs: [PostingRun] = []
        for i: Int64 in 0..<40 {
            runs.append(PostingRun(id: i, first: i * 50, end: i * 50 + 50, entries: 50))
            if runs.count <= 8 { #expect(policy.nextMerge(runs) == nil, "\(runs.count) runs") }
            runs = Self.settle(runs, policy).runs
            #expect(runs.count <= 8, "after \(i + 1) chunks: \(runs.map(\.entries))")
            #expect(runs.reduce(0) { $0 + $1.entries } == (i + 1) * 50)
        }
    }

    @Test("runs of one tier that together would pass the cap are merged as far as it allows, so they do not pile up")
    func runsUnderTheCapDoNotPileUp() {
        let policy = PostingMergePolicy(factor: 4, base: 1_000, maximumEntries: 4_000_000)
        var runs: [PostingRun] = []
        var seq: Int64 = 0
        // Chunks of 1.5 M postings: four of them (one tier) would make 6 M, past the cap.
        for _ in 0..<40 {
            runs.append(PostingRun(id: 0, first: seq, end: seq + 1_500_000, entries: 1_500_000))
            seq += 1_500_000
            runs = Self.settle(runs, policy).runs
        }
        let small = runs.filter { $0.entries * 2 <= policy.maximumEntries }
        #expect(small.count < policy.factor, "runs that two could still merge: \(runs.map(\.entries))")
        #expect(runs.count <= 24, "\(runs.count) runs for 60 M postings")
    }

    @Test("tiers: below base is tier 0, each factor above is one more; huge sizes do not overflow")
    func tiers() {
        let policy = PostingMergePolicy(factor: 4, base: 100, maximumEntries: 1_000)
        #expect(policy.tier(0) == 0)
        #expect(policy.tier(399) == 0)
        #expect(policy.tier(400) == 1)
        #expect(policy.tier(1_599) == 1)
        #expect(policy.tier(1_600) == 2)
        #expect(policy.tier(.max) > 20)
        // A run above the cap is never merged; of four runs whose sum would pass it, as many as fit are merged.
        var big = [PostingRun(id: 1, first: 0, end: 10, entries: 5_000)]
        for i: Int64 in 0..<4 { big.append(PostingRun(id: i + 2, first: 10 + i, end: 11 + i, entries: 300)) }
        #expect(policy.nextMerge(big) == 1...3)
        big[1...3] = [PostingRun(id: 9, first: 10, end: 13, entries: 900)]
        #expect(policy.nextMerge(big) == nil, "900 and 300 are not one tier, and the run above the cap stays")
    }

    /// The index file's runs, read straight from it.
    static func runs(_ dir: TemporaryDirectory) throws -> (runs: [PostingRun], watermark: Int64, counts: [Int64: Int64])
    {
        let queue = try DatabaseQueue.sideConnection(dir.path + "/custos-postings.sqlite")
        return try queue.read { db in
            let runs = try PostingRuns.list(db)
            let watermark = try Int64.fetchOne(db, sql: "SELECT indexed_through FROM watermark") ?? 0
            var counts: [Int64: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT run, count(*) FROM run_postings GROUP BY run") {
                counts[row[0]] = row[1]
            }
            let duplicates =
                try Int64.fetchOne(
                    db,
                    sql:
                        "SELECT count(*) FROM (SELECT kind, key, seq FROM run_postings GROUP BY 1, 2, 3 HAVING count(*) > 1)"
                ) ?? -1
            #expect(duplicates == 0, "no posting is in two runs")
            return (runs, watermark, counts)
        }
    }

    static func merging(openEntries: Int64 = 0) -> SQLiteStore.Options {
        var options = DeferredPostingsTests.paused()
        // With an open run, no merges: what is checked is that chunks join the open run.
        options.postingMerges = PostingMergePolicy(
            factor: 2,
            base: 4,
            maximumEntries: 200,
            minimumRuns: openEntries > 0 ? 1_000 : 0,
            openEntries: openEntries
        )
        return options
    }

    @Test(
        "answers are the same over many small runs, merged runs, runs at the cap, and chunks joining an open run",
        arguments: [Int64(0), 200]
    )
    func answersDoNotDependOnTheRuns(openEntries: Int64) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(directory: dir.path, options: Self.merging(openEntries: openEntries))
        let events = DeferredPostingsTests.workload()
        let want = DeferredPostingsTests.expected(events)
        var indexed: Int64 = 0
        var merges = 0
        // Index after every few batches, so the runs are small and many are merged.
        for (n, start) in stride(from: 0, to: events.count, by: 6).enumerated() {
            let batch = Array(events[start..<min(start + 6, events.count)])
            _ = try await store.append([batch], received: DeferredPostingsTests.received)
            if n % 3 == 2 {
                indexed = Int64(start + batch.count)
                try await store.indexPendingPostings()
                let (runs, watermark, counts) = try Self.runs(dir)
                #expect(watermark == indexed)
                #expect(runs.first?.first == 0 && runs.last?.end == watermark, "runs cover 0 ..< watermark")
                #expect(zip(runs, runs.dropFirst()).allSatisfy { $0.end == $1.first })
                #expect(runs.allSatisfy { counts[$0.id, default: 0] == $0.entries }, "each run's count is exact")
                #expect(Set(counts.keys).isSubset(of: Set(runs.map(\.id))), "no postings of a merged-away run remain")
                #expect(
                    runs.dropLast().allSatisfy { $0.entries >= openEntries },
                    "a run was closed only once it held \(openEntries) postings: \(runs.map(\.entries))"
                )
                merges = max(merges, (n + 1) / 3 - runs.count)
            }
        }
        if openEntries == 0 {
            #expect(merges > 5, "runs were merged")
        } else {
            let runs = try Self.runs(dir).runs
            #expect(runs.count < 8, "13 chunks of about 72 postings joined \(runs.count) open runs")
        }
        #expect(try await DeferredPostingsTests.answers(store) == want)
        let reopened = try SQLiteStore(directory: dir.path, options: Self.merging(openEntries: openEntries))
        #expect(try await DeferredPostingsTests.answers(reopened) == want)
    }

    @Test("the background indexer merges runs as it goes")
    func backgroundIndexerMerges() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var options = SQLiteStore.Options()
        options.postingMerges = PostingMergePolicy(factor: 2, base: 4, maximumEntries: 200)
        let store = try SQLiteStore(directory: dir.path, options: options)
        let events = DeferredPostingsTests.workload()
        for start in stride(from: 0, to: events.count, by: 4) {
            _ = try await store.append([Array(events[start..<start + 4])], received: DeferredPostingsTests.received)
            try await store.waitForPostings()
        }
        let (runs, watermark, _) = try Self.runs(dir)
        #expect(watermark == 240)
        #expect(runs.count < 20, "60 chunks were merged into \(runs.count) runs")
        #expect(try await DeferredPostingsTests.answers(store) == DeferredPostingsTests.expected(events))
    }

    @Test("erasure replaces postings inside merged runs")
    func erasureInsideMergedRuns() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(directory: dir.path, options: Self.merging())
        let events = DeferredPostingsTests.workload()
        for start in stride(from: 0, to: events.count, by: 10) {
            _ = try await store.append([Array(events[start..<start + 10])], received: DeferredPostingsTests.received)
            try await store.indexPendingPostings()
        }
        let cutoff = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 150 * 60_000)
        #expect(try await store.erase(try await store.erasurePlan(before: cutoff, app: nil)) == 150)
        let (runs, _, counts) = try Self.runs(dir)
        #expect(runs.allSatisfy { counts[$0.id, default: 0] == $0.entries }, "counts follow the replaced postings")
        let placeholders = try await store.events(EventQuery(actor: "custos", limit: 1000))
        #expect(placeholders.events.map(\.seq) == Array((0..<150).reversed()))
        let officer = try await store.events(EventQuery(actor: "officer-1", limit: 1000))
        #expect(officer.events.map(\.seq) == Array(stride(from: 237, through: 150, by: -4)).map(Int64.init))
    }

    @Test("an index file with the single postings tree of before the runs is upgraded on open")
    func singleTreeIndexFileIsUpgraded() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let events = DeferredPostingsTests.workload()
        do {
            let store = try SQLiteStore(directory: dir.path, options: Self.merging())
            try await DeferredPostingsTests.append(store, Array(events[..<200]), per: 20)
            try await store.indexPendingPostings()
        }
        // Rewrite the index file as it was: one `postings(kind, key, seq)` tree with the client ids in it.
        let queue = try DatabaseQueue.sideConnection(dir.path + "/custos-postings.sqlite")
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE postings(kind INTEGER NOT NULL, key INTEGER NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY(kind, key, seq)) WITHOUT ROWID
                    """
            )
            try db.execute(sql: "INSERT INTO postings SELECT kind, key, seq FROM run_postings")
            try db.execute(sql: "INSERT INTO postings SELECT 5, key, seq FROM client_ids")
            for table in ["run_postings", "runs", "client_ids"] { try db.execute(sql: "DROP TABLE \(table)") }
        }
        try queue.close()
        let store = try SQLiteStore(directory: dir.path, options: DeferredPostingsTests.paused())
        let (runs, watermark, counts) = try Self.runs(dir)
        #expect(watermark == 200)
        #expect(runs.count == 1 && runs[0].first == 0 && runs[0].end == 200 && counts[runs[0].id] == runs[0].entries)
        // A retried event is found through the moved client ids; the rest appends and answers as before.
        let retried = try await store.append([Array(events[190..<200])], received: DeferredPostingsTests.received)
        guard case .accepted(let receipt) = retried.first else {
            Issue.record("the retry was not accepted")
            return
        }
        #expect(receipt.stored == 0 && receipt.duplicates == 10)
        try await DeferredPostingsTests.append(store, Array(events[200...]), per: 20)
        try await store.indexPendingPostings()
        #expect(try await DeferredPostingsTests.answers(store) == DeferredPostingsTests.expected(events))
        let tables = try await DatabaseQueue.sideConnection(dir.path + "/custos-postings.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name = 'postings'")
        }
        #expect(tables == [], "the old tree is gone")
    }
}
