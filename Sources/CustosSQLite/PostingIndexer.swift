import CustosCore
import CustosStore
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Keeps the index file (``SQLitePostingsSchema``) up with the store: a background task writes the postings of the
/// events the writer hands over (``PendingPostings``) in chunks, each chunk one transaction that writes a sorted run
/// (``PostingRuns``) and advances the file's watermark, and between chunks merges runs as its ``PostingMergePolicy``
/// says. The index file is derived data: commits do not wait for its disk (`synchronous=NORMAL`), and whatever it
/// lost in a crash is re-derived from the events on the next open (``catchUp(queue:pool:policy:)``).
final class PostingIndexer: Sendable {
    /// The most events one index transaction takes: as many as are pending, up to the store's default limit. A
    /// chunk's client ids land on random pages of a B-tree that grows with the store, so a bigger chunk spreads each
    /// page write over more events (docs/performance.md, "Deferred postings").
    static let chunkSize = 100_000

    let queue: DatabaseQueue
    let pending: PendingPostings
    let policy: PostingMergePolicy
    /// How long new events gather before their chunk is written.
    let gathering: PostingGathering
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Where the background task's writes run, at a lower priority than the writer's (``BackgroundThread``).
    private let thread = Mutex<BackgroundThread?>(nil)

    /// Opens (creating if needed) the index file at `path`; the store attaches it afterwards.
    static func openFile(path: String) throws -> DatabaseQueue {
        _ = SQLiteLibrary.configured
        var config = Configuration()
        config.label = "custos-postings"
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -262144")
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                for sql in SQLitePostingsSchema.statements { try db.execute(sql: sql) }
                if try SQLitePostingsSchema.hasSingleTree(db) {
                    try db.inTransaction {
                        for sql in SQLitePostingsSchema.singleTreeUpgrade { try db.execute(sql: sql) }
                        return .commit
                    }
                }
            }
            return queue
        } catch {
            throw StoreError(.unavailable, "cannot open the index file \(path): \(error)")
        }
    }

    /// An indexer over the opened index file `queue` of the store whose events are in `pool`, caught up with the
    /// store (``catchUp(queue:pool:policy:)``) before it returns; `policy` says when its runs are merged, `gathering`
    /// how long new events wait to be written together.
    init(
        queue: DatabaseQueue,
        pool: DatabasePool,
        limit: Int64,
        policy: PostingMergePolicy = .init(),
        gathering: PostingGathering = .init()
    ) throws {
        self.queue = queue
        self.policy = policy
        self.gathering = gathering
        let head = try Self.catchUp(queue: queue, pool: pool, policy: policy)
        pending = PendingPostings(indexedThrough: head, limit: limit)
    }

    /// The index file's watermark: every posting of an event below it is in the file.
    static func watermark(_ db: Database, schema: String = "main") throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT indexed_through FROM \(schema).watermark WHERE id = 0") ?? 0
    }

    /// Brings the index file up to the store's last event before the store serves anything: the postings of every
    /// event from the watermark on are derived from the stored bodies. An index file ahead of the store (a store
    /// restored from an older copy) is emptied and rebuilt.
    static func catchUp(queue: DatabaseQueue, pool: DatabasePool, policy: PostingMergePolicy) throws -> Int64 {
        let head = try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq) + 1, 0) FROM events") ?? 0
        }
        var from = try queue.read { db in try Self.watermark(db) }
        if from > head {
            try queue.write { db in
                for table in ["run_postings", "runs", "client_ids", "watermark"] {
                    try db.execute(sql: "DELETE FROM \(table)")
                }
            }
            from = 0
        }
        while from < head {
            let upper = min(head, from + Int64(Self.chunkSize))
            let entries = try pool.read { db in
                try SQLiteStore.foreignEntries(db, from: from, upper: upper)
            }
            try queue.write { db in
                try Self.write(entries, through: upper, openEntries: policy.openEntries, db: db)
            }
            while try queue.write({ db in try PostingRuns.mergeStep(policy: policy, db: db) }) {}
            from = upper
        }
        return head
    }

    /// Starts the background task that drains the pending postings into the index file.
    func start() {
        thread.withLock { $0 = BackgroundThread(name: "custos-indexer") }
        let running = Task.detached { [self] in
            for await _ in pending.wakeups() {
                while !Task.isCancelled {
                    do {
                        try await gather()
                        if try await drainChunk(through: Int64.max) == false { break }
                        // One merge at a time between chunks, so new events keep being indexed during compaction.
                        _ = try await mergeStep()
                    } catch {
                        // The events are durable in the store; try again shortly rather than lose their postings.
                        try? await Task.sleep(for: .milliseconds(200))
                    }
                }
            }
        }
        task.withLock { $0 = running }
    }

    /// Lets newly committed events gather into a bigger chunk (``PostingGathering``) unless somebody needs them in the
    /// index file now, running the merges that are due meanwhile.
    private func gather() async throws {
        let deadline = ContinuousClock.now + gathering.delay
        while !Task.isCancelled, pending.isGathering(minimum: gathering.events), ContinuousClock.now < deadline {
            if try await mergeStep() { continue }
            try? await Task.sleep(for: min(gathering.poll, deadline - ContinuousClock.now))
        }
    }

    /// Writes the next chunk of pending postings below `through` to the index file; false when none was left.
    func drainChunk(through: Int64) async throws -> Bool {
        let from = pending.indexedThrough
        let entries = pending.entries(from: from, maximum: Self.chunkSize).filter { $0.seq < through }
        guard let last = entries.last else { return false }
        let open = policy.openEntries
        try await write { db in try Self.write(entries, through: last.seq + 1, openEntries: open, db: db) }
        pending.markIndexed(through: last.seq + 1)
        return true
    }

    /// Merges the next runs the policy names, in one transaction; false when the runs are settled.
    func mergeStep() async throws -> Bool {
        let policy = policy
        return try await write { db in try PostingRuns.mergeStep(policy: policy, db: db) }
    }

    /// Runs `updates` in a write transaction of the index file: on the background thread once the task is started,
    /// else as any caller's write.
    private func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard let thread = thread.withLock({ $0 }) else { return try await queue.write(updates) }
        let queue = queue
        return try await thread.run { try queue.write(updates) }
    }

    /// Stops the background task (what it has not written is re-derived on the next open).
    func stop() {
        pending.close()
        task.withLock { $0?.cancel() }
        thread.withLock { $0?.close() }
    }

    /// Waits until every event up to and including `seq` has its postings in the index file.
    func flush(through seq: Int64) async throws {
        if task.withLock({ $0 != nil }) {
            await pending.waitUntilIndexed(seq)
        } else {
            while pending.indexedThrough <= seq, try await drainChunk(through: seq + 1) {}
        }
    }

    /// Writes the postings of `entries` and moves the watermark to `through`, in one transaction: the client ids into
    /// their B-tree, the rest into the newest run while it is smaller than `openEntries`, else as a new run. Entries
    /// below the file's watermark are skipped (another process's indexer wrote them), so runs never overlap.
    static func write(
        _ entries: [PendingPostings.Entry],
        through: Int64,
        openEntries: Int64,
        db: Database
    ) throws {
        let from = try watermark(db)
        guard through > from else { return }
        var postings: [PostingRuns.Posting] = []
        var clientIDs: [(key: Int64, seq: Int64)] = []
        postings.reserveCapacity(entries.count * 4)
        clientIDs.reserveCapacity(entries.count)
        for e in entries where e.seq >= from {
            for p in PostingKind.postings(of: e.keys) {
                if p.kind == .clientID {
                    clientIDs.append((p.key, e.seq))
                } else {
                    postings.append((p.kind.rawValue, p.key, e.seq))
                }
            }
        }
        // Sorted, the client ids walk their B-tree in key order and touch each page once; the run is written in the
        // order it is read.
        clientIDs.sort { ($0.key, $0.seq) < ($1.key, $1.seq) }
        postings.sort { ($0.kind, $0.key, $0.seq) < ($1.kind, $1.key, $1.seq) }
        let insertIDs = try MultiRowInsert(db, "INSERT OR IGNORE INTO client_ids(key, seq)", columns: 2)
        try insertIDs.insert(count: clientIDs.count) { row, column in
            column == 0 ? clientIDs[row].key : clientIDs[row].seq
        }
        try PostingRuns.append(postings, first: from, end: through, openEntries: openEntries, db: db)
        let mark = try RawStatement(
            db,
            """
            INSERT INTO watermark(id, indexed_through) VALUES (0, ?)
            ON CONFLICT(id) DO UPDATE SET indexed_through = max(indexed_through, excluded.indexed_through)
            """
        )
        mark.bind(1, through)
        try mark.run()
    }

    /// Replaces the postings of erased events: `before` are the keys each had, `after` the keys of its placeholder.
    func replace(
        _ changes: [(seq: Int64, before: [(kind: PostingKind, key: Int64)], after: EventIndexKeys)]
    ) async throws {
        guard !changes.isEmpty else { return }
        try await queue.write { db in
            let delete = try RawStatement(
                db,
                "DELETE FROM run_postings WHERE run = ? AND kind = ? AND key = ? AND seq = ?"
            )
            let insert = try RawStatement(
                db,
                "INSERT OR IGNORE INTO run_postings(run, kind, key, seq) VALUES (?, ?, ?, ?)"
            )
            let deleteID = try RawStatement(db, "DELETE FROM client_ids WHERE key = ? AND seq = ?")
            let insertID = try RawStatement(db, "INSERT OR IGNORE INTO client_ids(key, seq) VALUES (?, ?)")
            for change in changes {
                // The erased event's postings are in the run that covers it (erasure waits until they are).
                guard let run = try PostingRuns.run(containing: change.seq, db: db) else { continue }
                var delta: Int64 = 0
                for p in change.before {
                    delta -= try Self.apply(p, seq: change.seq, run: run, inRun: delete, clientIDs: deleteID, db: db)
                }
                for p in PostingKind.postings(of: change.after) {
                    delta += try Self.apply(p, seq: change.seq, run: run, inRun: insert, clientIDs: insertID, db: db)
                }
                try db.execute(sql: "UPDATE runs SET entries = entries + ? WHERE run = ?", arguments: [delta, run])
            }
        }
    }

    /// Runs `inRun` (run, kind, key, seq) for a posting kept in the runs, or `clientIDs` (key, seq) for a client id;
    /// returns how many of the run's rows it changed.
    private static func apply(
        _ p: (kind: PostingKind, key: Int64),
        seq: Int64,
        run: Int64,
        inRun: RawStatement,
        clientIDs: RawStatement,
        db: Database
    ) throws -> Int64 {
        guard p.kind != .clientID else {
            clientIDs.bind(1, p.key)
            clientIDs.bind(2, seq)
            try clientIDs.run()
            return 0
        }
        inRun.bind(1, run)
        inRun.bind(2, p.kind.rawValue)
        inRun.bind(3, p.key)
        inRun.bind(4, seq)
        try inRun.run()
        return Int64(sqlite3_changes(db.sqliteConnection))
    }
}
