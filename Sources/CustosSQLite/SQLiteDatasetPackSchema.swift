/// The statements of the packed-rollup migration (docs/storage.md, "Packed rollup blocks"): a closed bucket of a
/// dataset rollup level — every actor's cell of one dataset in one hour, quarter, day, two- or four-day block — kept
/// a second time as one blob (``RollupPack``), so that a report reads a week of a busy dataset as a few values instead
/// of tens of thousands of rows. Packs are derived data: the rollup rows stay the truth, a pack is written only for a
/// bucket whose events have settled (``RollupPacker``), and an ingest transaction that changes a packed bucket's rows
/// deletes its pack in the same transaction and marks it to be packed again.
enum SQLiteDatasetPackSchema {
    /// The migration's name.
    static let migration = "v11-dataset-packs"

    /// Its statements: the packs, how far each level has been packed, and the buckets to pack again.
    static let statements: [String] = [
        """
        CREATE TABLE dataset_packs(
            level INTEGER NOT NULL,
            dataset TEXT NOT NULL,
            bucket INTEGER NOT NULL,
            cells BLOB NOT NULL,
            PRIMARY KEY(level, dataset, bucket)
        )
        """,
        "CREATE TABLE dataset_pack_marks(level INTEGER PRIMARY KEY, packed_below INTEGER NOT NULL)",
        """
        CREATE TABLE dataset_pack_stale(
            level INTEGER NOT NULL,
            dataset TEXT NOT NULL,
            bucket INTEGER NOT NULL,
            PRIMARY KEY(level, dataset, bucket)
        ) WITHOUT ROWID
        """,
    ]
}
