import CustosCore
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

@testable import CustosSQLite

/// The background indexer lets new events gather before it writes their postings (docs/storage.md, "Deferred
/// postings"): the waiting events are answered from memory, enough of them are written at once, and nobody who needs
/// them in the index file — a flush, a writer out of room — waits for the gathering's delay.
@Suite("Posting gathering", .timeLimit(.minutes(2)))
struct PostingGatheringTests {
    /// A store whose indexer gathers `events` events and otherwise waits an hour: long enough that a test would hang
    /// (and hit its time limit) if anything that should end the wait did not.
    static func store(_ dir: TemporaryDirectory, gathering events: Int64, limit: Int = 100_000) throws -> SQLiteStore {
        var options = SQLiteStore.Options()
        options.postingGathering.events = events
        options.postingGathering.delay = .seconds(3600)
        options.pendingPostingsLimit = limit
        return try SQLiteStore(directory: dir.path, options: options)
    }

    @Test("events short of the gathering stay pending and are answered; a flush writes them at once")
    func pendingUntilFlushed() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try Self.store(dir, gathering: 1_000)
        let events = DeferredPostingsTests.workload(count: 100)
        try await DeferredPostingsTests.append(store, events, per: 10)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try DeferredPostingsTests.indexedThrough(dir) == 0, "100 of 1,000 events: still gathering")
        #expect(try await DeferredPostingsTests.answers(store) == DeferredPostingsTests.expected(events))
        try await store.waitForPostings()
        #expect(try DeferredPostingsTests.indexedThrough(dir) == 100)
        #expect(try await DeferredPostingsTests.answers(store) == DeferredPostingsTests.expected(events))
    }

    @Test("once enough events wait, they are written together")
    func writtenWhenEnoughWait() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try Self.store(dir, gathering: 100)
        let events = DeferredPostingsTests.workload(count: 100)
        try await DeferredPostingsTests.append(store, Array(events[..<60]), per: 20)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try DeferredPostingsTests.indexedThrough(dir) == 0, "60 of 100 events: still gathering")
        // The 100th event completes the gathering. (Events beyond a written chunk gather afresh, so the test stops
        // exactly at the figure: with more, how many are written depends on when the indexer looks.)
        try await DeferredPostingsTests.append(store, Array(events[60...]), per: 40)
        var indexed: Int64 = 0
        while indexed < 100 {
            try await Task.sleep(for: .milliseconds(20))
            indexed = try DeferredPostingsTests.indexedThrough(dir)
        }
        #expect(indexed == 100)
        #expect(try await DeferredPostingsTests.answers(store) == DeferredPostingsTests.expected(events))
    }

    @Test("a writer out of room does not wait for the gathering")
    func backpressureEndsTheGathering() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // 240 events in batches of 30 against room for 50: the writer waits for the indexer again and again, while
        // the gathering alone would wait for 1,000 events or an hour.
        let store = try Self.store(dir, gathering: 1_000, limit: 50)
        let events = DeferredPostingsTests.workload()
        try await DeferredPostingsTests.append(store, events, per: 30)
        #expect(try DeferredPostingsTests.indexedThrough(dir) >= 240 - 50 - 30)
        #expect(try await DeferredPostingsTests.answers(store) == DeferredPostingsTests.expected(events))
    }

    @Test("the defaults gather less than the writer may run ahead")
    func defaultsAndNone() {
        let defaults = PostingGathering()
        #expect(defaults.events > 0 && defaults.events < Int64(SQLiteStore.Options().pendingPostingsLimit))
        #expect(defaults.delay > .zero && defaults.poll <= defaults.delay)
    }
}
