import CustosCore
import CustosStore
import Foundation
import GRDB

/// The embedded store: one SQLite database file in WAL mode with `synchronous=FULL`, so an acknowledged commit
/// survives `kill -9` and power loss. One connection writes; readers run concurrently on their own connections.
public final class SQLiteStore: Sendable {
    /// How the database is opened.
    public struct Options: Sendable {
        /// Page cache of the writer connection, in KiB.
        public var writerCacheKiB: Int = 262_144
        /// Page cache of each reader connection, in KiB.
        public var readerCacheKiB: Int = 65_536
        /// The most concurrent readers.
        public var maximumReaders: Int = 8
        /// Whether commits wait for the disk (`synchronous=FULL`); only benchmarks of the raw engine turn it off.
        public var durable: Bool = true
        /// Whether appended events join the Merkle tree (salts, leaf, tiles). Only `custos bench store` turns it off,
        /// to measure what the ledger costs; a store written without it has no verifiable record of those events.
        public var ledger: Bool = true
        /// The page size of a database file this store creates, in bytes (a power of two from 512 to 65,536); nil
        /// keeps SQLite's default (4,096). It has no effect on an existing file. Benchmarks use it to measure the
        /// choice (docs/performance.md).
        public var pageSize: Int?
        /// How many events ingest may run ahead of the index file (``PendingPostings``) before appends wait for the
        /// indexer; queries read those events from memory meanwhile.
        public var pendingPostingsLimit: Int = 100_000
        /// Whether a background task writes the postings of new events to the index file. Without it they stay
        /// pending (queries still find them) until ``SQLiteStore/indexPendingPostings(through:)`` writes them, and
        /// appends never wait for the indexer: for tests of the pending path, and tools that index once at the end.
        /// The same switch starts the task that packs settled rollup buckets (``SQLiteStore/packDatasetRollups()``).
        public var indexesInBackground: Bool = true
        /// When the index file's runs are merged (tests set small figures to see many merges).
        var postingMerges = PostingMergePolicy()
        /// How long the background indexer lets new events gather before it writes their postings together.
        var postingGathering = PostingGathering()
        /// The size in bytes of the filter that spares the writer the index file's look-up of a new client id
        /// (``ClientIDFilter``; allocated once this process has appended ``clientIDFilterStartAfter`` events); 0
        /// turns it off.
        public var clientIDFilterBytes: Int = 16 << 20
        /// How many events this process appends before the client-id filter is allocated and its scan of the stored
        /// ids starts (tests set 0).
        var clientIDFilterStartAfter = 10_000
        /// The log length, in frames, at which the writer closes the checkpointer's gap (``WALCheckpointer``).
        var walRestartFrames = 8_192

        /// The defaults.
        public init() {}
    }

    let pool: DatabasePool
    /// The database file's path.
    public let path: String
    /// Whether appended events join the Merkle tree (``Options/ledger``).
    let ledgerEnabled: Bool
    /// Synchronous hash tile reads for proofs (``LedgerStore/tileReader``).
    let sqliteTileReader: SQLiteTileReader
    /// Keeps the postings of the index file beside the store (docs/storage.md, "Deferred postings").
    let indexer: PostingIndexer
    /// Keeps the packed rollup blocks beside the rollups (docs/storage.md, "Packed rollup blocks").
    let packer: RollupPacker
    /// Copies the write-ahead log into the database file off the writer (``WALCheckpointer``).
    let checkpointer: WALCheckpointer
    /// Which client ids the store certainly does not hold (``ClientIDFilter``).
    let clientIDs: ClientIDFilter

    /// Opens (creating if needed) the store in `directory`, as `custos.sqlite`.
    public convenience init(directory: String, options: Options = Options()) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try self.init(path: (directory as NSString).appendingPathComponent("custos.sqlite"), options: options)
    }

    /// Opens (creating if needed) the store at a database file path.
    public init(path: String, options: Options = Options()) throws {
        _ = SQLiteLibrary.configured
        var config = Configuration()
        config.maximumReaderCount = options.maximumReaders
        config.label = "custos"
        config.busyMode = .timeout(30)
        let durable = options.durable
        let writerCache = options.writerCacheKiB
        let readerCache = options.readerCacheKiB
        let pageSize = options.pageSize
        // With the background tasks, checkpoints are the checkpointer's, not the committing writer's.
        let writerCheckpoints = !options.indexesInBackground
        let indexPath = SQLitePostingsSchema.path(forStoreAt: path)
        let indexQueue = try PostingIndexer.openFile(path: indexPath)
        config.prepareDatabase { db in
            if let pageSize, !db.configuration.readonly { try db.execute(sql: "PRAGMA page_size = \(pageSize)") }
            try db.execute(sql: "PRAGMA synchronous = \(durable ? "FULL" : "OFF")")
            let cache = db.configuration.readonly ? readerCache : writerCache
            try db.execute(sql: "PRAGMA cache_size = -\(cache)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if !writerCheckpoints, !db.configuration.readonly { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            try db.execute(sql: "ATTACH DATABASE ? AS \(SQLitePostingsSchema.schema)", arguments: [indexPath])
            try db.execute(sql: "PRAGMA \(SQLitePostingsSchema.schema).synchronous = \(durable ? "FULL" : "OFF")")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError(.unavailable, "cannot open \(path): \(error)")
        }
        self.path = path
        self.ledgerEnabled = options.ledger
        self.sqliteTileReader = SQLiteTileReader(path: path)
        try Self.migrate(pool)
        indexer = try PostingIndexer(
            queue: indexQueue,
            pool: pool,
            limit: options.indexesInBackground ? Int64(options.pendingPostingsLimit) : Int64.max,
            policy: options.postingMerges,
            gathering: options.postingGathering
        )
        packer = RollupPacker(pool: pool)
        clientIDs = ClientIDFilter(
            bytes: options.clientIDFilterBytes,
            startAfter: options.clientIDFilterStartAfter,
            pool: pool
        )
        do {
            checkpointer = try WALCheckpointer(path: path, restartFrames: options.walRestartFrames)
        } catch {
            throw StoreError(.unavailable, "cannot open \(path) for checkpoints: \(error)")
        }
        if options.indexesInBackground {
            indexer.start()
            packer.start()
            checkpointer.start()
        }
    }

    deinit {
        indexer.stop()
        packer.stop()
        checkpointer.stop()
        clientIDs.cancel()
    }

    /// The schema's migrations in the order they were introduced, each a name and its statements; a store records
    /// which it has run and runs the rest, in this order, on open.
    private static let migrations: [(name: String, statements: [String])] = [
        ("v1", SQLiteSchema.statements),
        ("v2-ledger", SQLiteSchema.ledgerStatements),
        ("v3-detection", SQLiteDetectionSchema.statements),
        (SQLiteDeliverySchema.migration, SQLiteDeliverySchema.statements),
        ("v3-witness-cosignatures", SQLiteCosignatureSchema.statements),
        ("v3-console-accounts", SQLiteConsoleSchema.statements),
        (SQLiteConsoleSessionSchema.migration, SQLiteConsoleSessionSchema.statements),
        (SQLiteEventsTimeCoverSchema.migration, SQLiteEventsTimeCoverSchema.statements),
        (SQLiteTileInteriorsSchema.migration, SQLiteTileInteriorsSchema.statements),
        (SQLiteUpperTileInteriorsSchema.migration, SQLiteUpperTileInteriorsSchema.statements),
        (SQLiteActivityDailySchema.migration, SQLiteActivityDailySchema.statements),
        (SQLiteEventsDatasetTimeSchema.migration, SQLiteEventsDatasetTimeSchema.statements),
        (SQLiteQuarterDailySchema.migration, SQLiteQuarterDailySchema.statements),
        (SQLitePostingsSchema.migration, SQLitePostingsSchema.migrationStatements),
        (SQLiteMultiDaySchema.migration, SQLiteMultiDaySchema.statements),
        (SQLiteDatasetPackSchema.migration, SQLiteDatasetPackSchema.statements),
        (SQLiteFiveMinuteSchema.migration, SQLiteFiveMinuteSchema.statements),
        (SQLiteRollMarkSchema.migration, SQLiteRollMarkSchema.statements),
    ]

    private static func migrate(_ pool: DatabasePool) throws {
        var migrator = DatabaseMigrator()
        for (name, statements) in migrations {
            migrator.registerMigration(name) { db in
                for sql in statements { try db.execute(sql: sql) }
                // The ledger's migration also derives the tree of the events stored before it.
                if name == "v2-ledger" { try Self.backfillLedger(db: db) }
                // The five-minute level is filled from the events (no coarser level can be split into slots).
                if name == SQLiteFiveMinuteSchema.migration { try SQLiteFiveMinuteSchema.backfill(db) }
            }
        }
        try migrator.migrate(pool)
    }

    /// Runs a checkpoint of the write-ahead log into the database file (on shutdown, to leave a compact file).
    public func checkpoint() throws {
        _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "read failed: \(error)")
        }
    }
}

extension SQLiteStore {
    /// Decodes a stored body back into an event.
    static func decode(seq: Int64, received: Int64, body: Data) throws -> StoredEvent {
        let value: JSONValue
        do {
            value = try JSONParser().parse(body)
        } catch {
            throw StoreError(.corrupt, "event \(seq) does not parse: \(error)")
        }
        switch EventValidator(allowsReservedActions: true).validate(value) {
        case .valid(let event):
            return StoredEvent(seq: seq, received: Timestamp(millisecondsSinceEpoch: received), event: event)
        case .invalid(let issues):
            throw StoreError(.corrupt, "event \(seq) does not validate: \(issues.first.map(\.description) ?? "")")
        }
    }
}
