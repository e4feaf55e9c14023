import CustosStore
import Synchronization

/// The events committed to the store whose postings are not yet in the index file: the in-memory tail that queries
/// and client-id checks read beside the index file, and that the ``PostingIndexer`` drains (docs/storage.md,
/// "Deferred postings").
///
/// Only the writer removes entries, and only below the index file's watermark as seen from its own transaction, so a
/// reader that takes a ``snapshot()`` before it opens its read transaction always finds every acknowledged event
/// either in the snapshot or in the index file it reads.
final class PendingPostings: Sendable {
    /// One committed event's keys.
    struct Entry: Sendable {
        var seq: Int64
        var time: Int64
        var keys: EventIndexKeys
    }

    /// The entries of one commit, ascending by seq.
    final class Chunk: Sendable {
        let entries: [Entry]
        init(_ entries: [Entry]) { self.entries = entries }
    }

    private struct State {
        var chunks: [Chunk] = []
        /// The first seq whose postings are not yet committed to the index file.
        var indexedThrough: Int64
        /// The first seq not yet handed over by the writer.
        var appendedThrough: Int64
        /// Client-id hash → seq, for the entries in `chunks`: the first held entry with the hash here, any further
        /// ones (hash collisions, rare) in ``moreClientIDs``, so that the common case allocates no array per event.
        var clientIDs: [Int64: Int64] = [:]
        /// Client-id hash → the seqs of further held entries with a hash already in ``clientIDs``.
        var moreClientIDs: [Int64: [Int64]] = [:]
        var flushWaiters: [(seq: Int64, continuation: CheckedContinuation<Void, Never>)] = []
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        var wake: AsyncStream<Void>.Continuation?
        var closed = false

        /// Forgets that the entry `seq` has the client-id hash `c`.
        mutating func removeClientID(_ c: Int64, seq: Int64) {
            guard let first = clientIDs[c] else { return }
            guard first == seq else {
                moreClientIDs[c]?.removeAll { $0 == seq }
                if moreClientIDs[c]?.isEmpty == true { moreClientIDs[c] = nil }
                return
            }
            if var more = moreClientIDs[c], !more.isEmpty {
                clientIDs[c] = more.removeFirst()
                moreClientIDs[c] = more.isEmpty ? nil : more
            } else {
                clientIDs[c] = nil
            }
        }
    }

    private let state: Mutex<State>
    /// How many unindexed events the writer may run ahead of the index file before it waits.
    let limit: Int64

    /// A tail that starts empty, with everything below `indexedThrough` already in the index file.
    init(indexedThrough: Int64, limit: Int64) {
        state = Mutex(State(indexedThrough: indexedThrough, appendedThrough: indexedThrough))
        self.limit = limit
    }

    /// What a reader captures before its transaction opens: the chunks held (a cheap copy: they are shared), and
    /// the first seq they do not cover.
    struct Snapshot: Sendable {
        var chunks: [Chunk]
        var appendedThrough: Int64

        /// Calls `body` for every entry from `seq` on, in seq order.
        func forEach(from seq: Int64, _ body: (Entry) throws -> Void) rethrows {
            for chunk in chunks where (chunk.entries.last?.seq ?? -1) >= seq {
                for e in chunk.entries where e.seq >= seq { try body(e) }
            }
        }
    }

    /// The entries of every chunk held, oldest first, and how far they reach.
    func snapshot() -> Snapshot {
        state.withLock { Snapshot(chunks: $0.chunks, appendedThrough: $0.appendedThrough) }
    }

    /// The first seq not yet committed to the index file.
    var indexedThrough: Int64 { state.withLock { $0.indexedThrough } }

    /// The first seq not yet handed over by the writer.
    var appendedThrough: Int64 { state.withLock { $0.appendedThrough } }

    /// Hands over the entries of one commit (called by the writer after the commit, before acknowledging it).
    func append(_ entries: [Entry]) {
        guard let last = entries.last else { return }
        let wake = state.withLock { s -> AsyncStream<Void>.Continuation? in
            s.chunks.append(Chunk(entries))
            for e in entries {
                guard let c = e.keys.clientID else { continue }
                if let first = s.clientIDs.updateValue(e.seq, forKey: c) {
                    // The first seq stays where it was; this one joins the rest.
                    s.clientIDs[c] = first
                    s.moreClientIDs[c, default: []].append(e.seq)
                }
            }
            s.appendedThrough = max(s.appendedThrough, last.seq + 1)
            return s.wake
        }
        wake?.yield()
    }

    /// Drops the entries below `watermark`, the index file's watermark as read inside the writer's transaction.
    func prune(below watermark: Int64) {
        state.withLock { s in
            var drop = 0
            while drop < s.chunks.count, let last = s.chunks[drop].entries.last, last.seq < watermark { drop += 1 }
            guard drop > 0 else { return }
            for chunk in s.chunks[..<drop] {
                for e in chunk.entries {
                    guard let c = e.keys.clientID else { continue }
                    s.removeClientID(c, seq: e.seq)
                }
            }
            s.chunks.removeFirst(drop)
        }
    }

    /// The seqs of held entries with this client-id hash.
    func seqs(clientID: Int64) -> [Int64] {
        state.withLock { s in
            guard let first = s.clientIDs[clientID] else { return [] }
            return [first] + (s.moreClientIDs[clientID] ?? [])
        }
    }

    /// Up to `maximum` held entries from `seq` on, for the indexer.
    func entries(from seq: Int64, maximum: Int) -> [Entry] {
        state.withLock { s in
            var out: [Entry] = []
            for chunk in s.chunks {
                guard let last = chunk.entries.last, last.seq >= seq else { continue }
                for e in chunk.entries where e.seq >= seq {
                    out.append(e)
                    if out.count >= maximum { return out }
                }
            }
            return out
        }
    }

    /// Records that the index file now holds every posting below `seq`, and resumes whoever waited for that.
    func markIndexed(through seq: Int64) {
        let resumed = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.indexedThrough = max(s.indexedThrough, seq)
            var ready: [CheckedContinuation<Void, Never>] = []
            s.flushWaiters.removeAll { waiter in
                guard waiter.seq < s.indexedThrough else { return false }
                ready.append(waiter.continuation)
                return true
            }
            if s.appendedThrough - s.indexedThrough <= limit {
                ready += s.roomWaiters
                s.roomWaiters = []
            }
            return ready
        }
        for c in resumed { c.resume() }
    }

    /// Whether the indexer should wait for more events before it writes a chunk: some wait, but fewer than `minimum`,
    /// and nobody needs them in the index file now (no flush, no writer waiting for room, the tail not closing).
    func isGathering(minimum: Int64) -> Bool {
        state.withLock { s in
            let waiting = s.appendedThrough - s.indexedThrough
            return waiting > 0 && waiting < minimum && !s.closed && s.flushWaiters.isEmpty && s.roomWaiters.isEmpty
        }
    }

    /// Waits until the writer may run further ahead of the index file (backpressure on ingest).
    func waitForRoom() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if s.closed || s.appendedThrough - s.indexedThrough <= limit { return true }
                s.roomWaiters.append(c)
                return false
            }
            if ready { c.resume() }
        }
    }

    /// Waits until the index file holds every posting up to and including `seq`.
    func waitUntilIndexed(_ seq: Int64) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if s.closed || seq < s.indexedThrough { return true }
                s.flushWaiters.append((seq, c))
                return false
            }
            if ready { c.resume() }
        }
    }

    /// The stream that wakes the indexer whenever entries are handed over (one per tail).
    func wakeups() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        state.withLock { $0.wake = continuation }
        continuation.yield()
        return stream
    }

    /// Resumes every waiter and ends the indexer's stream (the store is closing).
    func close() {
        let (waiters, wake) = state.withLock {
            s -> ([CheckedContinuation<Void, Never>], AsyncStream<Void>.Continuation?) in
            s.closed = true
            let w = s.flushWaiters.map(\.continuation) + s.roomWaiters
            s.flushWaiters = []
            s.roomWaiters = []
            let wake = s.wake
            s.wake = nil
            return (w, wake)
        }
        for c in waiters { c.resume() }
        wake?.finish()
    }
}
