import CustosCore
import CustosStore
import CustosTestKit
import GRDB
import Testing

@testable import CustosSQLite

/// The parts of a packed dataset report: the pack's byte format, the hash-to-slot map and the page selection, each
/// against a plain computation.
@Suite("Dataset packs")
struct DatasetPackTests {
    static func randomCells(_ rng: inout SplitMix64) -> [(actor: [UInt8], totals: RollupTotals)] {
        (0..<Int.random(in: 0...40, using: &rng)).map { i in
            let actor = Array("officer-\(i)-\(["", "é", "日本", "x"].randomElement(using: &rng)!)".utf8)
            let first = Int64.random(in: -1_000_000...1_000_000_000_000, using: &rng)
            return (
                actor,
                RollupTotals(
                    events: Int64.random(in: 1...1_000, using: &rng),
                    rows: Int64.random(in: 0...Int64.max / 4, using: &rng),
                    bytes: Int64.random(in: 0...Int64.max / 4, using: &rng),
                    first: first,
                    last: first + Int64.random(in: 0...86_400_000, using: &rng)
                )
            )
        }
    }

    static func decode(_ pack: [UInt8]) throws -> [(hash: Int64, actor: [UInt8], totals: RollupTotals)] {
        var out: [(hash: Int64, actor: [UInt8], totals: RollupTotals)] = []
        try pack.withUnsafeBytes { raw in
            try RollupPack.forEachCell(raw) { hash, actor, totals in out.append((hash, Array(actor), totals)) }
        }
        return out
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func packsRoundTripWithTheActorsHash(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let cells = Self.randomCells(&rng)
            let decoded = try Self.decode(RollupPack.encode(cells))
            #expect(decoded.count == cells.count)
            for (d, c) in zip(decoded, cells) {
                #expect(d.actor == c.actor)
                #expect(d.hash == StableHash.of(String(decoding: c.actor, as: UTF8.self)))
                #expect(
                    [d.totals.events, d.totals.rows, d.totals.bytes, d.totals.first, d.totals.last]
                        == [c.totals.events, c.totals.rows, c.totals.bytes, c.totals.first, c.totals.last]
                )
            }
        }
    }

    /// Every truncation, every extension and random byte damage of a pack is an error or a parse within bounds,
    /// never a crash (the address sanitizer-free check here is that it returns at all, and that cut packs fail).
    @Test func damagedPacksAreErrors() throws {
        var rng = SplitMix64(seed: 77)
        let cells = Self.randomCells(&rng) + [(Array("last".utf8), RollupTotals(events: 1, first: 5, last: 5))]
        let pack = RollupPack.encode(cells)
        for length in 0..<pack.count {
            #expect(throws: StoreError.self) { try Self.decode(Array(pack[..<length])) }
        }
        #expect(throws: StoreError.self) { try Self.decode(pack + [0]) }
        var wrongVersion = pack
        wrongVersion[0] = 2
        #expect(throws: StoreError.self) { try Self.decode(wrongVersion) }
        for _ in 0..<2_000 {
            var damaged = pack
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? Self.decode(damaged)
        }
    }

    /// The slot map gives the same dense numbers as a dictionary that numbers keys in first-seen order, also for
    /// keys that share their low bits (they probe past each other) and across growth.
    @Test(arguments: [UInt64(1), 2])
    func hashSlotsNumberKeysLikeADictionary(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var slots = HashSlots(capacity: 4)
        var reference: [Int64: Int] = [:]
        for _ in 0..<20_000 {
            let key: Int64 =
                Bool.random(using: &rng)
                ? Int64.random(in: .min ... .max, using: &rng)
                : Int64.random(in: 0..<64, using: &rng) << 40
            let expected = reference[key] ?? reference.count
            let probe = slots.slot(of: key)
            #expect(probe == reference[key])
            let inserted = slots.insert(key)
            #expect(inserted.slot == expected && inserted.isNew == (reference[key] == nil))
            reference[key] = expected
        }
        #expect(slots.count == reference.count)
    }

    /// A page is the first rows of the whole report sorted by events (descending) then actor, for every limit,
    /// with many ties at the page's edge.
    @Test(arguments: [UInt64(1), 2, 3])
    func topIsThePrefixOfTheSortedReport(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<50 {
            var tallies = DatasetReportTallies()
            var expected: [String: Int64] = [:]
            for _ in 0..<Int.random(in: 0...300, using: &rng) {
                let actor = "a\(Int.random(in: 0..<120, using: &rng))"
                let events = Int64.random(in: 1...3, using: &rng)
                var bytes = Array(actor.utf8)
                bytes.withUnsafeMutableBufferPointer { buffer in
                    tallies.add(
                        actor: UnsafeBufferPointer(buffer),
                        events: events,
                        rows: 0,
                        bytes: 0,
                        first: 0,
                        last: 0
                    )
                }
                expected[actor, default: 0] += events
            }
            let sorted = expected.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            #expect(tallies.namedCount == sorted.count)
            for limit in [0, 1, 2, 5, 17, 100, 1_000] {
                let page = tallies.top(limit)
                #expect(page.map(\.actor) == sorted.prefix(limit).map(\.key), "limit \(limit)")
                #expect(page.map(\.tally.events) == sorted.prefix(limit).map(\.value))
            }
        }
    }
}

/// The packer against the store's clocks: it runs in the background after commits, and settles buckets by the newest
/// event's time but never past when the newest event was received.
@Suite("Rollup packer")
struct RollupPackerTests {
    static func events(hours: Int, from start: Int64 = 0) -> [AccessEvent] {
        (0..<(hours * 4)).map { n in
            EventFixtures.event(minutes: start + Int64(n) * 15, actor: "officer-\(n % 5)")
        }
    }

    static func packs(_ store: SQLiteStore) async throws -> Int {
        try await DatabaseQueue.sideConnection(store.path).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM dataset_packs") ?? 0
        }
    }

    /// A store with its background tasks packs settled buckets after a commit, with no call.
    @Test func theBackgroundPackerPacksAfterACommit() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let events = Self.events(hours: 30)
        let received = Timestamp(millisecondsSinceEpoch: events.last!.time.millisecondsSinceEpoch + 60_000)
        _ = try await store.append([events], received: received)
        var packs = 0
        for _ in 0..<200 where packs <= 28 {
            try await Task.sleep(for: .milliseconds(50))
            packs = try await Self.packs(store)
        }
        // Hours, quarters, a day and five-minute slots of the first 28 settled hours.
        #expect(packs > 28)
    }

    /// One event stamped years ahead does not settle the present: buckets are packed up to the receipt time only.
    @Test func aFutureEventDoesNotSettleThePresent() async throws {
        let dir = try TemporaryDirectory()
        var options = SQLiteStore.Options()
        options.indexesInBackground = false
        let store = try SQLiteStore(directory: dir.path, options: options)
        let present = Self.events(hours: 10)
        let future = EventFixtures.event(id: "future", minutes: 10 * 365 * 24 * 60, actor: "officer-9")
        let received = Timestamp(millisecondsSinceEpoch: present.last!.time.millisecondsSinceEpoch + 60_000)
        _ = try await store.append([present + [future]], received: received)
        try await store.packDatasetRollups()
        let marks = try await DatabaseQueue.sideConnection(store.path).read { db in
            try Int64.fetchAll(db, sql: "SELECT packed_below FROM dataset_pack_marks WHERE level = 1")
        }
        let settledHour = (received.millisecondsSinceEpoch - SQLiteStore.packSettle) / 3_600_000
        #expect(marks == [settledHour], "\(marks)")
        #expect(try await Self.packs(store) > 8)
    }

    /// The packer asks whether there is work with a read before it takes the writer: nothing after a commit that
    /// settles nothing (even on a store whose levels have never had a settled bucket), something after a late event
    /// into a packed bucket or once a new hour settles.
    @Test func thePackerAsksBeforeItWrites() async throws {
        let dir = try TemporaryDirectory()
        var options = SQLiteStore.Options()
        options.indexesInBackground = false
        let store = try SQLiteStore(directory: dir.path, options: options)
        func pending() async throws -> Bool {
            try await DatabaseQueue.sideConnection(store.path).read { db in try SQLiteStore.packWorkPending(db) }
        }
        let first = Self.events(hours: 1)
        var received = Timestamp(millisecondsSinceEpoch: first.last!.time.millisecondsSinceEpoch + 60_000)
        _ = try await store.append([first], received: received)
        #expect(try await pending(), "no level has a mark yet")
        try await store.packDatasetRollups()
        #expect(try await pending() == false, "nothing has settled: every level is marked, none packed")
        #expect(try await Self.packs(store) == 0)
        // Ten more hours: the first ones settle.
        let later = Self.events(hours: 10, from: 60)
        received = Timestamp(millisecondsSinceEpoch: later.last!.time.millisecondsSinceEpoch + 60_000)
        _ = try await store.append([later], received: received)
        #expect(try await pending())
        try await store.packDatasetRollups()
        #expect(try await pending() == false)
        #expect(try await Self.packs(store) > 8)
        // A commit within the same hour settles nothing new.
        let same = [EventFixtures.event(id: "same", minutes: 11 * 60 - 10, actor: "officer-1")]
        _ = try await store.append([same], received: received)
        #expect(try await pending() == false)
        // A late event into a packed bucket makes it stale.
        let late = [EventFixtures.event(id: "late", minutes: 20, actor: "officer-2")]
        _ = try await store.append([late], received: received)
        #expect(try await pending())
        try await store.packDatasetRollups()
        #expect(try await pending() == false)
    }
}
