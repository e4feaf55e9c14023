import CustosCore
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Synchronization
import Testing

@testable import CustosSQLite

/// Ingest and the rollup packer write the store's file only; the index file beside it is the posting indexer's to
/// write (docs/storage.md, "Deferred postings"). A transaction that also locked the index file would wait for every
/// index chunk and merge, and the indexer for every commit.
@Suite("Store-file transactions")
struct StoreFileTransactionTests {
    /// Runs `work` while another connection holds the index file's write lock (as the indexer does while it writes
    /// a chunk or merges runs); true when `work` finished before the lock was let go (waiting at most `patience`).
    static func finishesWhileIndexFileIsLocked(
        _ store: SQLiteStore,
        patience: Duration = .seconds(10),
        _ work: @escaping @Sendable () async throws -> Void
    ) async throws -> Bool {
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: SQLitePostingsSchema.path(forStoreAt: store.path), configuration: config)
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        let done = Mutex(false)
        let task = Task {
            try await work()
            done.withLock { $0 = true }
        }
        let deadline = ContinuousClock.now + patience
        while !done.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let finished = done.withLock { $0 }
        try await holder.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
        try await task.value
        return finished
    }

    @Test func ingestAndPackingCommitWhileTheIndexFileIsLocked() async throws {
        let dir = try TemporaryDirectory()
        var options = SQLiteStore.Options()
        options.indexesInBackground = false
        let store = try SQLiteStore(directory: dir.path, options: options)
        let first = (0..<50).map { EventFixtures.event(id: "a-\($0)", minutes: Int64($0) * 10) }
        let received = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 86_400_000)
        #expect(
            try await Self.finishesWhileIndexFileIsLocked(store) {
                _ = try await store.append([first], received: received)
            },
            "an append waited for the index file's write lock"
        )
        // The client ids of the first batch are still found (pending, then read from the index file): a retry is
        // acknowledged, not stored again.
        let retried = try await store.append([first], received: received)
        guard case .accepted(let receipt) = retried.first else {
            Issue.record("the retry was not accepted: \(retried)")
            return
        }
        #expect(receipt.stored == 0 && receipt.duplicates == first.count)
        #expect(
            try await Self.finishesWhileIndexFileIsLocked(store) { try await store.packDatasetRollups() },
            "packing waited for the index file's write lock"
        )
        let stored = try await store.events(EventQuery(limit: 1000))
        #expect(stored.events.map(\.seq) == Array((0..<50).reversed()))
    }
}
