import CustosCore
import CustosStore
import CustosTestKit
import Foundation
import Testing

@testable import CustosSQLite

/// The filter that spares the writer the index file's look-up of a new client id (docs/storage.md, "Deferred postings")
/// must never call a stored id absent: a retry is acknowledged and a changed event conflicts whether the first copy
/// was stored before the store was opened, by this store, or by another process on the same file.
@Suite("Client-id filter")
struct ClientIDFilterTests {
    static let received = DeferredPostingsTests.received

    @Test("a hash inserted is always reported present; absent hashes rarely are")
    func noFalseAbsence() {
        var generator = SplitMix64(seed: 7)
        for bytes in [32, 1024, 64 << 10] {
            var filter = SplitBlockBloomFilter(bytes: bytes)
            let inserted = (0..<5_000).map { _ in Int64(bitPattern: generator.next()) }
            for hash in inserted { filter.insert(hash) }
            #expect(inserted.allSatisfy { filter.mayContain($0) }, "\(bytes) bytes")
        }
        // 64 KiB for 5,000 hashes is 105 bits each: false "perhaps"es are rare (Parquet's analysis: well under 0.1%).
        var filter = SplitBlockBloomFilter(bytes: 64 << 10)
        for _ in 0..<5_000 { filter.insert(Int64(bitPattern: generator.next())) }
        let falsePositives = (0..<100_000).filter { _ in filter.mayContain(Int64(bitPattern: generator.next())) }
        #expect(falsePositives.count < 100, "\(falsePositives.count) of 100,000 absent hashes reported present")
        // An empty filter holds nothing.
        let empty = SplitBlockBloomFilter(bytes: 1 << 10)
        #expect(!(0..<1_000).contains { _ in empty.mayContain(Int64(bitPattern: generator.next())) })
    }

    @Test("the union holds the hashes of both filters")
    func union() {
        var generator = SplitMix64(seed: 11)
        var a = SplitBlockBloomFilter(bytes: 4096)
        var b = SplitBlockBloomFilter(bytes: 4096)
        let left = (0..<500).map { _ in Int64(bitPattern: generator.next()) }
        let right = (0..<500).map { _ in Int64(bitPattern: generator.next()) }
        for hash in left { a.insert(hash) }
        for hash in right { b.insert(hash) }
        a.formUnion(b)
        #expect((left + right).allSatisfy { a.mayContain($0) })
        #expect(a.bytes == 4096)
    }

    static func options(filterBytes: Int = 1 << 20, startAfter: Int = 0) -> SQLiteStore.Options {
        var options = DeferredPostingsTests.paused()
        options.clientIDFilterBytes = filterBytes
        options.clientIDFilterStartAfter = startAfter
        return options
    }

    @Test("the filter starts only once the process has appended enough events; retries are found before and after")
    func startsAfterAThreshold() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(directory: dir.path, options: Self.options(startAfter: 50))
        let events = DeferredPostingsTests.workload(count: 91)
        let never = StableHash.of("app", "never-sent")
        _ = try await store.append([Array(events[..<30])], received: Self.received)
        _ = try await store.append([Array(events[30..<60])], received: Self.received)
        await store.clientIDs.waitUntilReady()
        #expect(!store.clientIDs.certainlyAbsent(never), "no filter before the threshold's next transaction")
        try await store.indexPendingPostings()
        try await Self.expectRetriesRecognised(store, [Array(events[..<30])], firstSeq: [0])
        // That retry's transaction started the scan (60 events appended by then).
        _ = try await store.append([Array(events[60...])], received: Self.received)
        await store.clientIDs.waitUntilReady()
        #expect(store.clientIDs.certainlyAbsent(never), "the filter answers")
        try await store.indexPendingPostings()
        try await Self.expectRetriesRecognised(
            store,
            [Array(events[..<30]), Array(events[30..<60]), Array(events[60...])],
            firstSeq: [0, 30, 60]
        )
        #expect(try await store.statistics().events == 91)
    }

    /// Retries each batch whole and one changed event of it; expects every retry acknowledged as duplicates and
    /// every changed event a conflict with its stored seq.
    static func expectRetriesRecognised(
        _ store: SQLiteStore,
        _ batches: [[AccessEvent]],
        firstSeq: [Int64],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for (batch, first) in zip(batches, firstSeq) {
            let retry = try await store.append([batch], received: received)
            #expect(
                retry == [
                    .accepted(
                        .init(seqs: Array(first..<first + Int64(batch.count)), stored: 0, duplicates: batch.count)
                    )
                ],
                sourceLocation: sourceLocation
            )
            var changed = batch[batch.count / 2]
            changed.rows = 12_345
            let results = try await store.append([[changed]], received: received)
            #expect(
                results == [
                    .conflict([IDConflict(index: 0, id: changed.id!, existingSeq: first + Int64(batch.count / 2))])
                ],
                sourceLocation: sourceLocation
            )
        }
    }

    @Test("ids stored before a store's first transaction, indexed or only appended by another process, are found")
    func idsFromBeforeTheFirstTransaction() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let events = DeferredPostingsTests.workload(count: 91)
        do {
            let earlier = try SQLiteStore(directory: dir.path, options: Self.options())
            try await DeferredPostingsTests.append(earlier, Array(events[..<60]), per: 30)
        }
        // Opening indexes what the earlier store left pending: the first 60 ids are in the index file.
        let one = try SQLiteStore(directory: dir.path, options: Self.options())
        let other = try SQLiteStore(directory: dir.path, options: Self.options())
        #expect(try DeferredPostingsTests.indexedThrough(dir) == 60)
        // The other store's first transaction comes after these 30 are appended and before they are indexed: its
        // scan finds them among the events beyond the watermark.
        _ = try await one.append([Array(events[60..<90])], received: Self.received)
        _ = try await other.append([Array(events[90...])], received: Self.received)
        await one.clientIDs.waitUntilReady()
        await other.clientIDs.waitUntilReady()
        // Indexed now, so the other store's pending tail no longer holds them: only the filter says to look.
        try await one.indexPendingPostings()
        #expect(try DeferredPostingsTests.indexedThrough(dir) == 90)
        // The first store adds the other's last event when its next transaction starts, before any look-up.
        for (store, known) in [(one, events[..<90]), (other, events[...])] {
            #expect(store.clientIDs.certainlyAbsent(StableHash.of("app", "never-sent")), "the filter answers")
            #expect(!known.contains { store.clientIDs.certainlyAbsent(EventIndexKeys($0).clientID!) })
        }
        for store in [one, other] {
            try await Self.expectRetriesRecognised(
                store,
                [Array(events[..<30]), Array(events[30..<60]), Array(events[60..<90]), Array(events[90...])],
                firstSeq: [0, 30, 60, 90]
            )
        }
        #expect(try await one.statistics().events == 91)
    }

    @Test("ids this store and another process store after the scan started are found")
    func idsStoredWhileTheFilterIsLive() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let events = DeferredPostingsTests.workload(count: 90)
        let one = try SQLiteStore(directory: dir.path, options: Self.options())
        let other = try SQLiteStore(directory: dir.path, options: Self.options())
        _ = try await one.append([Array(events[..<30])], received: Self.received)
        _ = try await other.append([Array(events[30..<60])], received: Self.received)
        await one.clientIDs.waitUntilReady()
        await other.clientIDs.waitUntilReady()
        #expect(other.clientIDs.certainlyAbsent(StableHash.of("app", "never-sent")), "the filter answers")
        // Stored after both scans: by the first store, then indexed, so neither finds it in the pending tail of its
        // own, only through the index file.
        _ = try await one.append([Array(events[60...])], received: Self.received)
        try await one.indexPendingPostings()
        try await other.indexPendingPostings()
        for store in [one, other] {
            try await Self.expectRetriesRecognised(
                store,
                [Array(events[..<30]), Array(events[30..<60]), Array(events[60...])],
                firstSeq: [0, 30, 60]
            )
        }
        #expect(try await one.statistics().events == 90)
    }

    @Test("a filter that reports everything present, or none at all, gives the same answers")
    func saturatedAndAbsentFilters() async throws {
        for bytes in [32, 0] {
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let store = try SQLiteStore(directory: dir.path, options: Self.options(filterBytes: bytes))
            let events = DeferredPostingsTests.workload(count: 60)
            _ = try await store.append([Array(events[..<30])], received: Self.received)
            try await store.indexPendingPostings()
            _ = try await store.append([Array(events[30...])], received: Self.received)
            await store.clientIDs.waitUntilReady()
            try await store.indexPendingPostings()
            try await Self.expectRetriesRecognised(
                store,
                [Array(events[..<30]), Array(events[30...])],
                firstSeq: [0, 30]
            )
            #expect(try await store.statistics().events == 60)
        }
    }
}
