import Foundation

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

    /// The statements that create the index file's tables.
    static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS postings(
            kind INTEGER NOT NULL,
            key INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY(kind, key, seq)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS watermark(
            id INTEGER PRIMARY KEY CHECK (id = 0),
            indexed_through INTEGER NOT NULL
        )
        """,
    ]

    /// The migration of the store file that moves the old synchronous indexes into the index file.
    static let migration = "v9-deferred-postings"

    /// Its statements, run on the writer with the index file attached: copy every posting the old indexes held,
    /// record how far that reaches, then drop the old indexes.
    static let migrationStatements: [String] = [
        "INSERT OR IGNORE INTO ix.postings SELECT 1, actor_h, seq FROM events",
        "INSERT OR IGNORE INTO ix.postings SELECT 2, session_h, seq FROM events WHERE session_h IS NOT NULL",
        "INSERT OR IGNORE INTO ix.postings SELECT 3, resource_h, seq FROM events WHERE resource_h IS NOT NULL",
        "INSERT OR IGNORE INTO ix.postings SELECT 4, subject_h, seq FROM event_subjects",
        "INSERT OR IGNORE INTO ix.postings SELECT 5, idem_h, seq FROM events WHERE idem_h IS NOT NULL",
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
