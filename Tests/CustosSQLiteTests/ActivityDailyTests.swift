import CustosCore
@testable import CustosSQLite
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

@Suite("The per-day activity rollup")
struct ActivityDailyTests {
    /// One (day, dataset) cell: events, rows, bytes, first and last time.
    struct Cell: Equatable, CustomStringConvertible {
        var events: Int64 = 0
        var rows: Int64 = 0
        var bytes: Int64 = 0
        var first = Int64.max
        var last = Int64.min

        var description: String { "\(events)/\(rows)/\(bytes)/\(first)/\(last)" }
    }

    struct Key: Hashable {
        var day: Int64
        var dataset: String
    }

    static let day: Int64 = 86_400_000

    /// Events over nine days, several datasets and actors, some without a dataset or without rows and bytes, in
    /// time order as hosts send them.
    static func workload(count: Int) -> [AccessEvent] {
        let datasets: [String?] = ["persons", "vehicles", nil, "cases", "persons", "warrants"]
        return (0..<count).map { i in
            EventFixtures.event(
                minutes: Int64(i) * 9 * 24 * 60 / Int64(count),
                actor: "officer-\(i % 7)",
                session: "s-\(i / 40)",
                action: i % 11 == 0 ? "export" : "view",
                dataset: datasets[(i * 5 + i / 13) % datasets.count],
                resource: "r/\(i)",
                subjects: ["person:\(i % 17)"],
                rows: i % 9 == 0 ? nil : Int64(i % 23),
                bytes: i % 10 == 0 ? nil : Int64(100 + i % 301),
                outcome: i % 29 == 0 ? .denied : .success
            )
        }
    }

    /// The cells recounted from the events themselves.
    static func recount(_ events: [AccessEvent]) -> [Key: Cell] {
        var cells: [Key: Cell] = [:]
        for e in events {
            guard let dataset = e.resource?.dataset else { continue }
            let t = e.time.millisecondsSinceEpoch
            let key = Key(day: t / day, dataset: dataset)  // times after 1970
            var c = cells[key, default: Cell()]
            c.events += 1
            c.rows += e.rows ?? 0
            c.bytes += e.bytes ?? 0
            c.first = min(c.first, t)
            c.last = max(c.last, t)
            cells[key] = c
        }
        return cells
    }

    /// The rows of `activity_daily`.
    static func stored(_ store: SQLiteStore) throws -> [Key: Cell] {
        let queue = try DatabaseQueue.sideConnection(store.path)
        return try queue.read { db in
            var cells: [Key: Cell] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT day, dataset, events, rows, bytes, first, last FROM activity_daily"
            ) {
                cells[Key(day: row[0], dataset: row[1])] = Cell(
                    events: row[2],
                    rows: row[3],
                    bytes: row[4],
                    first: row[5],
                    last: row[6]
                )
            }
            return cells
        }
    }

    /// Appends `events` in requests of `batch`, `perAppend` requests to a transaction.
    static func ingest(_ events: [AccessEvent], into store: SQLiteStore, batch: Int, perAppend: Int) async throws {
        let requests = stride(from: 0, to: events.count, by: batch).map {
            Array(events[$0..<min($0 + batch, events.count)])
        }
        for start in stride(from: 0, to: requests.count, by: perAppend) {
            _ = try await store.append(
                Array(requests[start..<min(start + perAppend, requests.count)]),
                received: EventFixtures.baseTime
            )
        }
    }

    @Test("after ingest in many transactions the rollup equals a recount of the events, and the chart reads it")
    func equalsARecountAfterIngest() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let events = Self.workload(count: 3000)
        try await Self.ingest(events, into: store, batch: 70, perAppend: 3)
        let expected = Self.recount(events)
        #expect(expected.count > 30, "the workload spans many (day, dataset) cells")
        #expect(try Self.stored(store) == expected)

        var perDay: [Int64: Int64] = [:]
        for (k, c) in expected { perDay[k.day, default: 0] += c.events }
        let chart = try await store.dailyActivity(range: .all)
        #expect(chart.map { $0.start.millisecondsSinceEpoch / Self.day } == perDay.keys.sorted())
        #expect(chart.map(\.events) == perDay.keys.sorted().map { perDay[$0]! })
        let firstDay = perDay.keys.min()!
        let window = try await store.dailyActivity(
            range: TimeRange(
                from: Timestamp(millisecondsSinceEpoch: (firstDay + 2) * Self.day + 1),
                to: Timestamp(millisecondsSinceEpoch: (firstDay + 5) * Self.day)
            )
        )
        #expect(window.map(\.events) == (firstDay + 2..<firstDay + 5).map { perDay[$0]! })
    }

    @Test("an erasure leaves the rollup as ingested, like the other rollups (docs/ledger.md)")
    func keepsItsCountsAfterErasure() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let events = Self.workload(count: 1200)
        try await Self.ingest(events, into: store, batch: 100, perAppend: 1)
        let cutoff = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 3 * Self.day)
        let plan = try await store.erasurePlan(before: cutoff, app: nil)
        #expect(plan.seqs.count > 300)
        #expect(try await store.erase(plan) == plan.seqs.count)
        #expect(try Self.stored(store) == Self.recount(events))
        // Later events still add to it.
        let more = Self.workload(count: 50).map { e -> AccessEvent in
            var e = e
            e.time = Timestamp(millisecondsSinceEpoch: e.time.millisecondsSinceEpoch + 20 * Self.day)
            return e
        }
        try await Self.ingest(more, into: store, batch: 50, perAppend: 1)
        #expect(try Self.stored(store) == Self.recount(events + more))
    }

    @Test("a store from before the migration is filled from its daily rollup when it is opened")
    func isBackfilledByTheMigration() async throws {
        let dir = try TemporaryDirectory()
        let events = Self.workload(count: 2000)
        let path: String
        do {
            let store = try SQLiteStore(directory: dir.path)
            try await Self.ingest(events, into: store, batch: 250, perAppend: 2)
            // Before the roller, ingest wrote the daily rollup the migration reads.
            try await store.rollEverything()
            path = store.path
        }
        // Back to the state of a store written before the migration existed.
        let queue = try DatabaseQueue.sideConnection(path)
        try await queue.write { db in
            try db.execute(sql: "DROP TABLE activity_daily")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v6-activity-daily'")
        }
        let reopened = try SQLiteStore(directory: dir.path)
        #expect(try Self.stored(reopened) == Self.recount(events))
        let more = Self.workload(count: 30)
        try await Self.ingest(more, into: reopened, batch: 30, perAppend: 1)
        #expect(try Self.stored(reopened) == Self.recount(events + more))
    }
}
