import CustosCore
import CustosSQLite
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

@Suite("Dataset access report (SQLite)")
struct DatasetAccessTests {
    static let received = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 1)

    /// An actor seen only in the partial hours at a range's edges is named and counted, though no rollup row of the
    /// range holds them (the edges are summed by actor hash from the time index).
    @Test func actorsOnlyAtTheEdgesAreNamedAndCounted() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        // baseTime is on the hour; minutes 10…50 lie inside its first hour, 70 inside the next.
        let events = [
            EventFixtures.event(id: "e1", minutes: 10, actor: "edge-only", rows: 3, bytes: 30),
            EventFixtures.event(id: "e2", minutes: 50, actor: "edge-only", rows: 4, bytes: 40),
            EventFixtures.event(id: "e3", minutes: 20, actor: "both", rows: 1, bytes: 10),
            EventFixtures.event(id: "e4", minutes: 70, actor: "both", rows: 2, bytes: 20),
            EventFixtures.event(id: "e5", minutes: 30, actor: "other-dataset", dataset: "vehicles"),
        ]
        _ = try await store.append([events], received: Self.received)
        let base = EventFixtures.baseTime.millisecondsSinceEpoch
        // 00:05 to 00:55: no whole hour; whole five-minute slots from their rollup, the rest from the edges.
        let inside = TimeRange(
            from: Timestamp(millisecondsSinceEpoch: base + 5 * 60_000),
            to: Timestamp(millisecondsSinceEpoch: base + 55 * 60_000)
        )
        let report = try await store.datasetAccess(DatasetAccessQuery(dataset: "persons", range: inside))
        #expect(report.totalActors == 2)
        let edge = try #require(report.actors.first { $0.actor == "edge-only" })
        #expect(edge.events == 2 && edge.rows == 7 && edge.bytes == 70)
        #expect(edge.first == events[0].time && edge.last == events[1].time)
        #expect(report.actors.first { $0.actor == "both" }?.events == 1)
        #expect(!report.actors.contains { $0.actor == "other-dataset" })
        // 00:30 to 02:00: the whole second hour from the hourly rollup, the partial first hour from the index.
        let across = TimeRange(
            from: Timestamp(millisecondsSinceEpoch: base + 30 * 60_000),
            to: Timestamp(millisecondsSinceEpoch: base + 120 * 60_000)
        )
        let second = try await store.datasetAccess(DatasetAccessQuery(dataset: "persons", range: across))
        #expect(Set(second.actors.map(\.actor)) == ["edge-only", "both"])
        #expect(second.actors.first { $0.actor == "edge-only" }?.events == 1)
        let both = try #require(second.actors.first { $0.actor == "both" })
        #expect(both.events == 1 && both.rows == 2 && both.first == events[3].time)
    }

    /// The edges of a report are read from the dataset's time index alone (no event row), and a store opened by this
    /// version has it, and the covering time index in place of the plain time index.
    @Test func edgesAreReadFromTheDatasetTimeIndex() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        _ = try await store.append([[EventFixtures.event(id: "x")]], received: Self.received)
        let queue = try DatabaseQueue.sideConnection(store.path)
        let plan = try await queue.read { db in
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'")
            let detail = try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT actor_h, rows, bytes, time FROM events INDEXED BY events_dataset_time
                    WHERE dataset_h = 1 AND time >= 0 AND time < 10
                    """
            ).map { $0["detail"] as String }
            return (indexes, detail)
        }
        #expect(plan.0.contains("events_time_cover"))
        #expect(plan.0.contains("events_dataset_time"))
        #expect(!plan.0.contains("events_time"))
        #expect(plan.1.contains { $0.contains("USING COVERING INDEX events_dataset_time") }, "\(plan.1)")
        #expect(plan.1.contains { $0.contains("dataset_h=? AND time>? AND time<?") }, "\(plan.1)")
    }
}
