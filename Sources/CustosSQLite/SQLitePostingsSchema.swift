import Foundation
import GRDB

/// The index file beside the store (`custos-postings.sqlite`): the postings that find events by actor, session,
/// resource, subject and client id, kept out of the durable ingest transaction by the ``PostingIndexer``
/// (docs/storage.md, "Deferred postings"). Everything in it is derived from the `events` table and rebuilt from it.
enum SQLitePostingsSchema {
    /// The schema name the index file is attached under on every connection of the store.
    static let schema = "ix"

    /// The index file's path for a store at `storePath`: `DIR/NAME-postings.sqlite` for `DIR/NAME.sqlite`.
    static func path(forStoreAt storePath: String) -> String {
        let base = (storePath as NSString).deletingPathExtension
        return base + "-postings.sqlite"
    }

    /// The statements that create the index file's tables: the sorted runs of actor, session, resource and subject
    /// postings (``PostingRuns``), the client ids (one B-tree: the writer looks each one up in its transaction), and
    /// the watermark.
    static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS run_postings(
            run INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            key INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY(run, kind, key, seq)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS runs(
            run INTEGER PRIMARY KEY,
            first INTEGER NOT NULL,
            end INTEGER NOT NULL,
            entries INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS client_ids(
            key INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY(key, seq)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS watermark(
            id INTEGER PRIMARY KEY CHECK (id = 0),
            indexed_through INTEGER NOT NULL
        )
        """,
    ]

    /// Whether an index file still has the single `postings` B-tree of before the runs.
    static func hasSingleTree(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'postings'")
            ?? false
    }

    /// Moves the postings of an index file from before the runs into the new tables, in the caller's transaction:
    /// the client ids into their table, everything else into one run covering `0 ..< watermark`.
    static let singleTreeUpgrade: [String] = [
        "INSERT OR IGNORE INTO client_ids(key, seq) SELECT key, seq FROM postings WHERE kind = 5",
        """
        INSERT INTO runs(run, first, end, entries)
        SELECT coalesce((SELECT max(run) FROM runs), 0) + 1, 0, indexed_through,
            (SELECT count(*) FROM postings WHERE kind <> 5)
        FROM watermark WHERE id = 0 AND indexed_through > 0
        """,
        """
        INSERT INTO run_postings(run, kind, key, seq)
        SELECT (SELECT max(run) FROM runs), kind, key, seq FROM postings WHERE kind <> 5
        AND EXISTS (SELECT 1 FROM runs) ORDER BY kind, key, seq
        """,
        "DROP TABLE postings",
    ]

    /// The migration of the store file that moves the old synchronous indexes into the index file.
    static let migration = "v9-deferred-postings"

    /// Its statements, run on the writer with the index file attached: copy every posting the old indexes held,
    /// record how far that reaches, then drop the old indexes.
    static let migrationStatements: [String] = [
        "INSERT OR IGNORE INTO ix.client_ids(key, seq) SELECT idem_h, seq FROM events WHERE idem_h IS NOT NULL",
        """
        INSERT INTO ix.runs(run, first, end, entries)
        SELECT coalesce((SELECT max(run) FROM ix.runs), 0) + 1, 0, max(seq) + 1, 0 FROM events HAVING count(*) > 0
        """,
        """
        INSERT OR IGNORE INTO ix.run_postings(run, kind, key, seq)
        SELECT (SELECT max(run) FROM ix.runs), 1, actor_h, seq FROM events
        UNION ALL SELECT (SELECT max(run) FROM ix.runs), 2, session_h, seq FROM events WHERE session_h IS NOT NULL
        UNION ALL SELECT (SELECT max(run) FROM ix.runs), 3, resource_h, seq FROM events WHERE resource_h IS NOT NULL
        UNION ALL SELECT (SELECT max(run) FROM ix.runs), 4, subject_h, seq FROM event_subjects
        """,
        """
        UPDATE ix.runs SET entries = (SELECT count(*) FROM ix.run_postings p WHERE p.run = runs.run)
        WHERE run = (SELECT max(run) FROM ix.runs)
        """,
        """
        INSERT OR REPLACE INTO ix.watermark(id, indexed_through)
        SELECT 0, coalesce(max(seq) + 1, 0) FROM events
        """,
        "DROP INDEX IF EXISTS events_actor",
        "DROP INDEX IF EXISTS events_session",
        "DROP INDEX IF EXISTS events_resource",
        "DROP INDEX IF EXISTS events_idem",
        "DROP TABLE IF EXISTS event_subjects",
    ]
}
