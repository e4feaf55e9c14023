/// The shape every dataset rollup level shares (``RollupLevel``): one row per dataset, bucket and actor with the sums
/// of its events — count, rows, bytes, first and last time — keyed for reading one dataset's buckets in order.
enum SQLiteRollupTable {
    /// The statement that creates the level's table, with its bucket column named `bucket`.
    static func create(_ table: String, bucket: String) -> String {
        """
        CREATE TABLE \(table)(
            dataset TEXT NOT NULL,
            \(bucket) INTEGER NOT NULL,
            actor TEXT NOT NULL,
            events INTEGER NOT NULL,
            rows INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            first INTEGER NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY(dataset, \(bucket), actor)
        ) WITHOUT ROWID
        """
    }
}
