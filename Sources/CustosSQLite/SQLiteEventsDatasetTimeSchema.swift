/// The statements of the per-dataset time-index migration (docs/storage.md): an index of the events that name a
/// dataset, keyed by dataset and time and carrying the actor hash, rows and bytes, so the dataset report reads the
/// partial hours at the edges of its range from the index alone and only that dataset's events — not every event of
/// those hours, as the time index would. Within a dataset the key follows event time, which follows arrival order,
/// so ingest appends to it at one place per dataset. Creating it on an existing store reads every event once.
enum SQLiteEventsDatasetTimeSchema {
    /// The migration's name.
    static let migration = "v7-events-dataset-time"

    /// Its statements.
    static let statements: [String] = [
        """
        CREATE INDEX IF NOT EXISTS events_dataset_time ON events(dataset_h, time, actor_h, rows, bytes)
        WHERE dataset_h IS NOT NULL
        """
    ]
}
