/// The embedded store's tables and indexes (docs/storage.md explains each choice).
///
/// Text that queries filter on is keyed by ``StableHash`` integers, so every secondary index is integer-keyed and
/// implicitly suffixed by `seq`: a filter walks its index in commit order and pages need no sort.
enum SQLiteSchema {
    /// The schema version this code writes.
    static let version = 1

    /// The statements that create version 1.
    static let statements: [String] = [
        """
        CREATE TABLE events(
            seq INTEGER PRIMARY KEY,
            time INTEGER NOT NULL,
            received INTEGER NOT NULL,
            actor_h INTEGER NOT NULL,
            session_h INTEGER,
            action_h INTEGER NOT NULL,
            outcome INTEGER NOT NULL,
            dataset_h INTEGER,
            resource_h INTEGER,
            app_h INTEGER NOT NULL,
            rows INTEGER,
            bytes INTEGER,
            idem_h INTEGER,
            body BLOB NOT NULL
        )
        """,
        "CREATE INDEX events_actor ON events(actor_h)",
        "CREATE INDEX events_session ON events(session_h) WHERE session_h IS NOT NULL",
        "CREATE INDEX events_dataset ON events(dataset_h) WHERE dataset_h IS NOT NULL",
        "CREATE INDEX events_resource ON events(resource_h) WHERE resource_h IS NOT NULL",
        "CREATE INDEX events_time ON events(time)",
        "CREATE INDEX events_idem ON events(idem_h) WHERE idem_h IS NOT NULL",
        """
        CREATE TABLE event_subjects(
            subject_h INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY(subject_h, seq)
        ) WITHOUT ROWID
        """,
        SQLiteRollupTable.create("dataset_daily", bucket: "day"),
        """
        CREATE TABLE sessions(
            actor TEXT NOT NULL,
            session TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            events INTEGER NOT NULL,
            rows INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            denied INTEGER NOT NULL,
            datasets TEXT NOT NULL,
            actions TEXT NOT NULL,
            PRIMARY KEY(actor, session)
        ) WITHOUT ROWID
        """,
        SQLiteRollupTable.create("dataset_totals", bucket: "bucket"),
        SQLiteRollupTable.create("dataset_hourly", bucket: "hour"),
        "CREATE INDEX sessions_actor_start ON sessions(actor, start, session)",
        "CREATE INDEX sessions_session ON sessions(session)",
        """
        CREATE TABLE api_keys(
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            owner TEXT NOT NULL,
            scopes TEXT NOT NULL,
            secret_hash BLOB NOT NULL,
            created INTEGER NOT NULL,
            expires INTEGER,
            revoked INTEGER
        )
        """,
    ]

    /// The statements of the ledger migration (docs/ledger.md): per-event salts and leaf hashes, the frontier of
    /// the Merkle tree, its tiles and entry bundles, and signed checkpoints.
    static let ledgerStatements: [String] = [
        "ALTER TABLE events ADD COLUMN salts BLOB",
        "ALTER TABLE events ADD COLUMN leaf BLOB",
        """
        CREATE TABLE ledger_state(
            id INTEGER PRIMARY KEY CHECK (id = 0),
            size INTEGER NOT NULL,
            frontier BLOB NOT NULL
        )
        """,
        """
        CREATE TABLE tiles(
            level INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            width INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY(level, idx)
        )
        """,
        """
        CREATE TABLE entry_bundles(
            idx INTEGER PRIMARY KEY,
            width INTEGER NOT NULL,
            data BLOB NOT NULL
        )
        """,
        """
        CREATE TABLE checkpoints(
            id INTEGER PRIMARY KEY,
            size INTEGER NOT NULL,
            root BLOB NOT NULL,
            created INTEGER NOT NULL,
            note TEXT NOT NULL
        )
        """,
    ]
}
