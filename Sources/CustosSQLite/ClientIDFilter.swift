import GRDB
import GRDBSQLite
import Synchronization

/// Which client ids the store certainly does not hold, so that the writer skips the index file's B-tree for a new
/// id (docs/storage.md, "Deferred postings", client ids): a fixed-size ``SplitBlockBloomFilter`` of every stored
/// client-id hash.
///
/// The filter starts empty and not ready; until it is ready every id is looked up as before. Once this process has
/// appended 10,000 events, the writer's next transaction allocates it, notes the store's head and starts a background
/// scan of the ids stored below it (the index file's, and the events' beyond its watermark). From then on the writer
/// keeps the filter up to date before it looks anything up: the ids of its own commits, and those of events another
/// process appended since its last transaction, read from the events themselves whether or not they are indexed yet.
/// When the scan is merged in, the filter holds every stored id and answers. A false "perhaps" costs only the look-up;
/// there is no false "absent". Its memory is fixed (16 MiB by default), so past ~10 M ids it answers "perhaps" more
/// often, never wrongly.
final class ClientIDFilter: Sendable {
    private struct State {
        var filter: SplitBlockBloomFilter?
        /// Whether the scan of the ids stored before ``through`` was first set is merged in.
        var ready = false
        /// The first seq whose event's id the writer has not added (nil before its first transaction).
        var through: Int64?
        var scan: Task<Void, Never>?
        /// Events this process appended before the scan started.
        var appendedBefore: Int = 0
    }

    private let state = Mutex(State())
    private let pool: DatabasePool
    /// The filter's size in bytes; 0 turns it off.
    let bytes: Int
    /// How many events this process appends before the filter is allocated and the scan starts: a command that
    /// records a read or two never pays for a scan of the store's ids.
    let startAfter: Int

    /// A filter of `bytes` bytes for the store behind `pool` (0: no filter, every id looked up), started once this
    /// process has appended `startAfter` events.
    init(bytes: Int, startAfter: Int, pool: DatabasePool) {
        self.bytes = bytes
        self.startAfter = startAfter
        self.pool = pool
    }

    /// Called by the writer at the start of each transaction, with the seq its first event will take: the first
    /// call starts the scan of the ids below it; later calls add the ids of events another process appended since
    /// the writer's last commit.
    func catchUp(to head: Int64, db: Database) throws {
        guard bytes > 0 else { return }
        let from: Int64? = state.withLock { state in
            guard let through = state.through else {
                guard state.appendedBefore >= startAfter else { return nil }
                // The scan's read transaction begins after this write transaction did, so it sees every event
                // below `head`.
                state.through = head
                state.filter = SplitBlockBloomFilter(bytes: bytes)
                state.scan = startScan()
                return nil
            }
            return through < head ? through : nil
        }
        guard let from else { return }
        var foreign: [Int64] = []
        try Self.storedIDs(db, from: from, to: head) { foreign.append($0) }
        committed(foreign, events: 0, through: head)
    }

    /// Adds the client-id hashes of the `events` events the writer just committed, the last of which was
    /// `through - 1` (before the scan has started, only counts the events).
    func committed(_ hashes: some Sequence<Int64>, events: Int, through: Int64) {
        guard bytes > 0 else { return }
        state.withLock { state in
            guard state.filter != nil else {
                state.appendedBefore += events
                return
            }
            for hash in hashes { state.filter!.insert(hash) }
            state.through = max(state.through ?? through, through)
        }
    }

    /// Whether the writer can skip the look-up of `hash`: the scan is merged in and the filter says it is absent.
    func certainlyAbsent(_ hash: Int64) -> Bool {
        state.withLock { $0.ready && !($0.filter?.mayContain(hash) ?? true) }
    }

    /// Waits until the scan is merged in (tests; nothing waits for it in service).
    func waitUntilReady() async {
        await state.withLock { $0.scan }?.value
    }

    /// Stops a scan still running (the store is closing).
    func cancel() {
        state.withLock { $0.scan?.cancel() }
    }

    private func startScan() -> Task<Void, Never> {
        let pool = pool
        let bytes = bytes
        return Task.detached(priority: .utility) { [weak self] in
            guard let scanned = try? await pool.read({ db in try Self.scan(db, bytes: bytes) }) else { return }
            self?.state.withLock { state in
                state.filter!.formUnion(scanned)
                state.ready = true
            }
        }
    }

    /// The ids in the index file and those of the events from its watermark on, as one read transaction sees them.
    /// A scan that fails or is cancelled leaves the filter not ready: every id is then looked up, as without it.
    private static func scan(_ db: Database, bytes: Int) throws -> SplitBlockBloomFilter {
        var filter = SplitBlockBloomFilter(bytes: bytes)
        let schema = SQLitePostingsSchema.schema
        let watermark = try PostingIndexer.watermark(db, schema: schema)
        var rows = 0
        let indexed = try RawStatement(db, "SELECT key FROM \(schema).client_ids")
        try indexed.query { row in
            filter.insert(sqlite3_column_int64(row, 0))
            rows += 1
            if rows % 65_536 == 0, Task.isCancelled { throw CancellationError() }
        }
        try storedIDs(db, from: watermark, to: .max) { filter.insert($0) }
        return filter
    }

    /// Calls `body` with the client-id hash of every event in `from ..< to` that has one, read from its row.
    private static func storedIDs(_ db: Database, from: Int64, to: Int64, _ body: (Int64) -> Void) throws {
        let ids = try RawStatement(db, "SELECT idem_h FROM events WHERE seq >= ? AND seq < ? AND idem_h IS NOT NULL")
        ids.bind(1, from)
        ids.bind(2, to)
        try ids.query { row in body(sqlite3_column_int64(row, 0)) }
    }
}
