import CustosCore
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

@testable import CustosSQLite

/// The dataset report against a naive computation from the events themselves, over random windows: windows at
/// millisecond, second, five-minute, hour and day alignment, short and long, open on either side.
@Suite("Dataset access report: differential against the events")
struct DatasetAccessDifferentialTests {
    static let datasets = ["persons", "vehicles", "cases"]
    static let base = EventFixtures.baseTime.millisecondsSinceEpoch

    /// The days the workload spans: enough for whole four-day blocks inside a window.
    static let days: Int64 = 12

    /// Random events over twelve days (some exactly on bucket boundaries, some without a dataset, rows or bytes),
    /// appended out of time order in several commits so rollup cells are updated across transactions.
    static func workload(_ rng: inout SplitMix64) -> [AccessEvent] {
        (0..<1_200).map { n in
            var offset = Int64.random(in: 0..<(days * 86_400_000), using: &rng)
            if n % 7 == 0 {
                let grid = [Int64(300_000), 3_600_000, 21_600_000, 86_400_000, 172_800_000, 345_600_000]
                    .randomElement(using: &rng)!
                offset = offset / grid * grid + [-1, 0, 1].randomElement(using: &rng)!
            }
            var event = EventFixtures.event(
                actor: "officer-\(Int.random(in: 0..<9, using: &rng))",
                dataset: n % 11 == 0 ? nil : datasets.randomElement(using: &rng)!,
                resource: "r/\(n)",
                rows: n % 5 == 0 ? nil : Int64.random(in: 0...50, using: &rng),
                bytes: n % 6 == 0 ? nil : Int64.random(in: 0...5_000, using: &rng)
            )
            event.time = Timestamp(millisecondsSinceEpoch: base + offset)
            return event
        }
    }

    /// Appends `events` in commits of random sizes, as received at `received` (by default the workload's start, so
    /// that no bucket has settled and every report reads rows; packing settles buckets only up to that time).
    static func append(
        _ events: [AccessEvent],
        to store: SQLiteStore,
        _ rng: inout SplitMix64,
        received: Int64 = base
    ) async throws {
        var rest = events[...]
        while !rest.isEmpty {
            let n = min(rest.count, Int.random(in: 1...150, using: &rng))
            _ = try await store.append([Array(rest.prefix(n))], received: Timestamp(millisecondsSinceEpoch: received))
            rest = rest.dropFirst(n)
        }
    }

    /// A random window over the workload's days (and an hour either side), at a random alignment and length.
    static func window(_ rng: inout SplitMix64) -> TimeRange {
        let alignments: [Int64] = [1, 1_000, 300_000, 3_600_000, 21_600_000, 86_400_000]
        let lengths: [Int64] = [300_000, 3_600_000, 86_400_000, 345_600_000, 864_000_000]
        let alignment = alignments.randomElement(using: &rng)!
        let length = lengths.randomElement(using: &rng)!
        var from = base - 3_600_000 + Int64.random(in: 0..<(days * 86_400_000 + 7_200_000), using: &rng)
        from = from.floorDiv(alignment) * alignment
        var to = from + Int64.random(in: 0...length, using: &rng)
        if Bool.random(using: &rng) { to = to.floorDiv(alignment) * alignment }
        let open = Int.random(in: 0..<10, using: &rng)
        return TimeRange(
            from: open == 0 ? nil : Timestamp(millisecondsSinceEpoch: from),
            to: open == 1 ? nil : Timestamp(millisecondsSinceEpoch: to)
        )
    }

    /// The report computed from the events alone.
    static func naive(_ events: [AccessEvent], dataset: String, range: TimeRange) -> [DatasetAccessRow] {
        var rows: [String: DatasetAccessRow] = [:]
        for e in events where e.resource?.dataset == dataset && range.contains(e.time) {
            var row =
                rows[e.actor.id]
                ?? DatasetAccessRow(actor: e.actor.id, events: 0, rows: 0, bytes: 0, first: e.time, last: e.time)
            row.events += 1
            row.rows += e.rows ?? 0
            row.bytes += e.bytes ?? 0
            row.first = min(row.first, e.time)
            row.last = max(row.last, e.time)
            rows[e.actor.id] = row
        }
        return rows.values.sorted { ($0.events, $1.actor) > ($1.events, $0.actor) }
    }

    /// Every report over 150 random windows, and the all-time report, equals the naive one; a page of a few rows is
    /// the naive report's first rows, with the same total.
    @Test(arguments: [UInt64(1), 2, 3])
    func reportsEqualTheEventsOverRandomWindows(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let events = Self.workload(&rng)
        try await Self.append(events.shuffled(using: &rng), to: store, &rng)
        var ranges = [TimeRange.all]
        for _ in 0..<150 { ranges.append(Self.window(&rng)) }
        var nonEmpty = 0
        for range in ranges {
            let dataset = Self.datasets.randomElement(using: &rng)!
            let report = try await store.datasetAccess(
                DatasetAccessQuery(dataset: dataset, range: range, limit: 100_000)
            )
            let expected = Self.naive(events, dataset: dataset, range: range)
            #expect(report.actors == expected, "seed \(seed), \(dataset), \(range)")
            #expect(report.totalActors == expected.count)
            if !expected.isEmpty { nonEmpty += 1 }
            let limit = Int.random(in: 1...4, using: &rng)
            let page = try await store.datasetAccess(DatasetAccessQuery(dataset: dataset, range: range, limit: limit))
            #expect(page.actors == Array(expected.prefix(limit)), "seed \(seed), \(dataset), \(range), limit \(limit)")
            #expect(page.totalActors == expected.count)
        }
        // The comparison is only worth something if most windows hold events.
        #expect(nonEmpty > 75)
    }

    /// Every report over `windows` random windows equals the naive one from `events`; returns how many held events.
    @discardableResult
    static func expectReports(
        _ store: SQLiteStore,
        _ events: [AccessEvent],
        windows: Int,
        _ rng: inout SplitMix64,
        _ label: String
    ) async throws -> Int {
        var nonEmpty = 0
        for _ in 0..<windows {
            let range = window(&rng)
            let dataset = datasets.randomElement(using: &rng)!
            let report = try await store.datasetAccess(
                DatasetAccessQuery(dataset: dataset, range: range, limit: 100_000)
            )
            let expected = naive(events, dataset: dataset, range: range)
            #expect(report.actors == expected, "\(label), \(dataset), \(range)")
            if !expected.isEmpty { nonEmpty += 1 }
        }
        return nonEmpty
    }

    /// Reports read from packed buckets equal the events. The first three fifths of the workload (and its last
    /// event, so that nearly every bucket has settled) are appended and packed; the rest — all of it late, into
    /// buckets already packed — is appended after, which must drop those buckets' packs in the same transactions;
    /// reports are compared then, and again once the stale buckets are packed again.
    @Test(arguments: [UInt64(4), 5])
    func packedReportsEqualTheEvents(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let dir = try TemporaryDirectory()
        var options = SQLiteStore.Options()
        options.indexesInBackground = false
        let store = try SQLiteStore(directory: dir.path, options: options)
        // The newest event, then three fifths of the others at random: every later one lands in a packed bucket.
        var events = Self.workload(&rng).sorted { $0.time > $1.time }
        events[1...].shuffle(using: &rng)
        let cut = events.count * 3 / 5
        let early = Array(events[..<cut])
        let late = Array(events[cut...])
        let path = (dir.path as NSString).appendingPathComponent("custos.sqlite")
        func counts() async throws -> (packs: Int, stale: Int) {
            try await DatabaseQueue.sideConnection(path).read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM dataset_packs") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM dataset_pack_stale") ?? 0
                )
            }
        }
        // Received after the last event: nearly every bucket has settled.
        let received = Self.base + (Self.days + 1) * 86_400_000
        try await Self.append(early.shuffled(using: &rng), to: store, &rng, received: received)
        try await store.packDatasetRollups()
        let packed = try await counts()
        #expect(packed.packs > 400 && packed.stale == 0, "\(packed)")
        let nonEmpty = try await Self.expectReports(store, early, windows: 60, &rng, "seed \(seed), packed")
        #expect(nonEmpty > 30)
        try await Self.append(late.shuffled(using: &rng), to: store, &rng, received: received)
        let invalidated = try await counts()
        #expect(invalidated.stale > 300 && invalidated.packs < packed.packs - 100, "\(invalidated)")
        try await Self.expectReports(store, events, windows: 80, &rng, "seed \(seed), after late events")
        try await store.packDatasetRollups()
        let repacked = try await counts()
        #expect(repacked.stale == 0 && repacked.packs >= packed.packs, "\(repacked)")
        try await Self.expectReports(store, events, windows: 80, &rng, "seed \(seed), packed again")
    }

    /// The dataset totals (the console's list) computed from the events alone.
    static func naiveTotals(_ events: [AccessEvent]) -> [String: DatasetTotal] {
        var totals: [String: (events: Int64, rows: Int64, actors: Set<String>, last: Timestamp)] = [:]
        for e in events {
            guard let dataset = e.resource?.dataset else { continue }
            var t = totals[dataset] ?? (0, 0, [], e.time)
            t.events += 1
            t.rows += e.rows ?? 0
            t.actors.insert(e.actor.id)
            t.last = max(t.last, e.time)
            totals[dataset] = t
        }
        return totals.mapValues {
            DatasetTotal(dataset: "", events: $0.events, rows: $0.rows, actors: Int64($0.actors.count), last: $0.last)
        }
    }

    /// Reports and dataset totals stay equal to the events while the roll mark moves through the workload: three
    /// quarters of it appended in time order as if live (each commit received at its newest event's time), with the
    /// roller and packer run to that clock now and then, so at each comparison the mark lies inside the workload and a
    /// range is read in two parts; then the quarter held back, most of it late (below the mark), and once more rolled.
    @Test(arguments: [UInt64(6), 7])
    func reportsEqualTheEventsWhileTheMarkMoves(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let dir = try TemporaryDirectory()
        var options = SQLiteStore.Options()
        options.indexesInBackground = false
        let store = try SQLiteStore(directory: dir.path, options: options)
        let path = (dir.path as NSString).appendingPathComponent("custos.sqlite")
        // A random quarter held back to arrive late; the rest in time order.
        let all = Self.workload(&rng).shuffled(using: &rng)
        let cut = all.count * 3 / 4
        let events = all[..<cut].sorted { $0.time < $1.time } + all[cut...]
        func mark() async throws -> Int64 {
            try await DatabaseQueue.sideConnection(path).read { db in
                try Int64.fetchOne(db, sql: "SELECT rolled_below FROM dataset_roll_mark") ?? .min
            }
        }
        func expectTotals(_ stored: [AccessEvent], _ label: String) async throws {
            var totals: [String: DatasetTotal] = [:]
            for t in try await store.datasetTotals(limit: 100) {
                totals[t.dataset] = DatasetTotal(
                    dataset: "",
                    events: t.events,
                    rows: t.rows,
                    actors: t.actors,
                    last: t.last
                )
            }
            #expect(totals == Self.naiveTotals(stored), "\(label)")
        }
        var appended: [AccessEvent] = []
        var marksInside = 0
        while appended.count < cut {
            let chunk = Array(events[appended.count..<min(cut, appended.count + Int.random(in: 1...120, using: &rng))])
            _ = try await store.append([chunk], received: chunk.map(\.time).max()!)
            appended += chunk
            if Int.random(in: 0..<3, using: &rng) == 0 { try await store.packDatasetRollups() }
            if Int.random(in: 0..<3, using: &rng) == 0 {
                let slot = try await mark()
                if slot != .min, slot * 300_000 > Self.base, slot * 300_000 < appended.last!.time.millisecondsSinceEpoch
                {
                    marksInside += 1
                }
                try await Self.expectReports(
                    store,
                    appended,
                    windows: 12,
                    &rng,
                    "seed \(seed), \(appended.count) in order"
                )
                try await expectTotals(appended, "seed \(seed), \(appended.count) in order")
            }
        }
        // The comparisons are only worth something if the mark was inside the workload for most of them.
        #expect(marksInside >= 3)
        let rolled = try await mark()
        var late = 0
        for chunk in stride(from: cut, to: events.count, by: 60).map({ Array(events[$0..<min(events.count, $0 + 60)]) })
        {
            late += chunk.filter { $0.time.millisecondsSinceEpoch < rolled * 300_000 }.count
            _ = try await store.append([chunk], received: events[cut - 1].time)
        }
        #expect(late > 200)
        try await Self.expectReports(store, events, windows: 60, &rng, "seed \(seed), after late events")
        try await expectTotals(events, "seed \(seed), after late events")
        try await store.packDatasetRollups()
        try await Self.expectReports(store, events, windows: 60, &rng, "seed \(seed), rolled again")
        try await store.rollEverything()
        try await Self.expectReports(store, events, windows: 60, &rng, "seed \(seed), all rolled")
        try await expectTotals(events, "seed \(seed), all rolled")
    }

    /// A store written before the dataset time index and the quarter-day, two-day, four-day and five-minute rollups
    /// existed gains them on open (the index built from its events, the coarse rollups filled from the hourly and
    /// daily ones, the five-minute one from the index, cell for cell what ingest wrote), and then answers as a fresh
    /// store does. With an actor missing from the all-time rollup (so its hash cannot be named), the five-minute cells
    /// are filled from the event bodies instead, with the same result.
    @Test(arguments: [false, true])
    func aStoreWithoutTheDatasetTimeIndexAndCoarseRollupsIsMigrated(unnamedActor: Bool) async throws {
        var rng = SplitMix64(seed: 9)
        let dir = try TemporaryDirectory()
        let events = Self.workload(&rng)
        do {
            let store = try SQLiteStore(directory: dir.path)
            try await Self.append(events, to: store, &rng)
            // Before the roller, ingest wrote the hourly and daily rollups the migrations read.
            try await store.rollEverything()
        }
        let path = (dir.path as NSString).appendingPathComponent("custos.sqlite")
        let present = """
            SELECT count(*) FROM sqlite_master
            WHERE name IN ('events_dataset_time', 'dataset_quarterly', 'dataset_2day', 'dataset_4day', 'dataset_5min')
            """
        let slotCells = "SELECT * FROM dataset_5min ORDER BY dataset, slot, actor"
        let ingested = try await DatabaseQueue.sideConnection(path).read { db in
            try Row.fetchAll(db, sql: slotCells).map { Array($0.databaseValues) }
        }
        let dropped = try await DatabaseQueue.sideConnection(path).write { db in
            try db.execute(sql: "DROP INDEX events_dataset_time")
            if unnamedActor { try db.execute(sql: "DELETE FROM dataset_totals WHERE actor = 'officer-3'") }
            for table in ["dataset_quarterly", "dataset_2day", "dataset_4day", "dataset_5min"] {
                try db.execute(sql: "DROP TABLE \(table)")
            }
            try db.execute(
                sql: """
                    DELETE FROM grdb_migrations
                    WHERE identifier IN (
                        'v7-events-dataset-time', 'v8-dataset-quarterly', 'v10-dataset-multiday', 'v12-dataset-5min'
                    )
                    """
            )
            return try Int.fetchOne(db, sql: present)
        }
        #expect(dropped == 0)
        let store = try SQLiteStore(directory: dir.path)
        let (rebuilt, cells) = try await DatabaseQueue.sideConnection(path).read { db in
            (
                try Int.fetchOne(db, sql: present),
                try ["dataset_quarterly", "dataset_2day", "dataset_4day", "dataset_5min"].map {
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? 0
                }
            )
        }
        #expect(rebuilt == 5)
        let backfilled = try await DatabaseQueue.sideConnection(path).read { db in
            try Row.fetchAll(db, sql: slotCells).map { Array($0.databaseValues) }
        }
        #expect(ingested.count > 500 && backfilled == ingested)
        #expect(cells.allSatisfy { $0 > 30 }, "\(cells)")
        for _ in 0..<60 {
            let range = Self.window(&rng)
            let dataset = Self.datasets.randomElement(using: &rng)!
            let report = try await store.datasetAccess(
                DatasetAccessQuery(dataset: dataset, range: range, limit: 100_000)
            )
            #expect(report.actors == Self.naive(events, dataset: dataset, range: range), "\(dataset), \(range)")
        }
    }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    fileprivate func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : (self - d + 1) / d }
}
