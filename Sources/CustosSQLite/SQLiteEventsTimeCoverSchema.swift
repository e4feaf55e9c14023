/// The statements of the covering time-index migration (docs/storage.md): the time index also carries the columns
/// the dataset report sums at the edges of its range, so those edges are read from the index alone, never from the
/// event rows. The index is keyed by event time, which follows arrival order, so ingest appends to it sequentially.
enum SQLiteEventsTimeCoverSchema {
    /// The migration's name.
    static let migration = "v4-events-time-cover"

    /// Its statements.
    static let statements: [String] = [
        "CREATE INDEX IF NOT EXISTS events_time_cover ON events(time, dataset_h, actor_h, rows, bytes)",
        "DROP INDEX IF EXISTS events_time",
    ]
}
