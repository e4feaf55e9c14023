import CustosCore
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

@testable import CustosSQLite

/// Checkpoints run off the writer (docs/storage.md, "Ingest path"), and the write-ahead log still starts over.
@Suite("WAL checkpointer")
struct WALCheckpointerTests {
    static func autocheckpoint(_ store: SQLiteStore) async throws -> Int? {
        try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
    }

    static func walBytes(_ store: SQLiteStore) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")
        return (attributes?[.size] as? Int) ?? 0
    }

    @Test func theWriterLeavesCheckpointsToTheCheckpointerOnlyWhenItRuns() async throws {
        let background = try SQLiteStore(directory: try TemporaryDirectory().path)
        #expect(try await Self.autocheckpoint(background) == 0)
        var options = SQLiteStore.Options()
        options.indexesInBackground = false
        let paused = try SQLiteStore(directory: try TemporaryDirectory().path, options: options)
        #expect(try await Self.autocheckpoint(paused) == 1000, "without the task, SQLite's own checkpoints stay on")
    }

    /// Appends `submitters × batches × perBatch` events from concurrent submitters, which keep the writer busy: each
    /// transaction begins as the last one commits, before the checkpointer can have copied it, as under real load.
    /// Returns the largest the log file was seen.
    static func ingestConcurrently(
        into store: SQLiteStore,
        submitters: Int,
        batches: Int,
        perBatch: Int
    ) async throws
        -> Int
    {
        let received = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 86_400_000)
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for s in 0..<submitters {
                group.addTask {
                    var largest = 0
                    for b in 0..<batches {
                        let first = (s * batches + b) * perBatch
                        let events = (first..<first + perBatch).map { n in
                            EventFixtures.event(
                                id: "e-\(n)",
                                minutes: Int64(n) / 10,
                                actor: "officer-\(n % 37)",
                                resource: "persons/\(n)",
                                subjects: ["person:\(n)"]
                            )
                        }
                        _ = try await store.append([events], received: received)
                        largest = max(largest, Self.walBytes(store))
                    }
                    return largest
                }
            }
            var largestLog = 0
            for try await largest in group { largestLog = max(largestLog, largest) }
            return largestLog
        }
    }

    /// Far more is committed than the log may hold; the log file stays well below it, and every event is there after
    /// the store is opened again.
    @Test func theLogStartsOverUnderSustainedIngest() async throws {
        let dir = try TemporaryDirectory()
        var options = SQLiteStore.Options()
        options.walRestartFrames = 64
        let total = 8 * 8 * 400
        var largestLog = 0
        var fileBytes = 0
        var path = ""
        do {
            let store = try SQLiteStore(directory: dir.path, options: options)
            largestLog = try await Self.ingestConcurrently(into: store, submitters: 8, batches: 8, perBatch: 400)
            path = store.path
            fileBytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
        // 40 MB pass through the log; without the writer closing the gap it never starts over and holds them all.
        #expect(largestLog < 20 << 20, "the log grew to \(largestLog) bytes")
        #expect(fileBytes > largestLog, "the database file (\(fileBytes) bytes) holds what the log let through")
        let reopened = try SQLiteStore(path: path, options: options)
        var query = EventQuery()
        query.limit = 1
        let newest = try await reopened.events(query)
        #expect(newest.events.first?.seq == Int64(total - 1))
    }
}
