/// The statements of the per-day activity migration (docs/storage.md): one row per UTC day and dataset with the
/// day's dataset accesses, rows, bytes and first and last time, kept in the ingest transaction. The overview's
/// activity chart reads 30 days of it (a few hundred rows) instead of every (dataset, day, actor) cell of
/// `dataset_daily`, whose primary key does not even start with the day. The migration fills it from `dataset_daily`,
/// so an existing store answers as before; like the other rollups it keeps its counts when events are erased.
enum SQLiteActivityDailySchema {
    /// The migration's name.
    static let migration = "v6-activity-daily"

    /// Its statements.
    static let statements: [String] = [
        """
        CREATE TABLE activity_daily(
            day INTEGER NOT NULL,
            dataset TEXT NOT NULL,
            events INTEGER NOT NULL,
            rows INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            first INTEGER NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY(day, dataset)
        ) WITHOUT ROWID
        """,
        """
        INSERT INTO activity_daily(day, dataset, events, rows, bytes, first, last)
        SELECT day, dataset, sum(events), sum(rows), sum(bytes), min(first), max(last) FROM dataset_daily
        GROUP BY dataset, day
        """,
    ]
}
