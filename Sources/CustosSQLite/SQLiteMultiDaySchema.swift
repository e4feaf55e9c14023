/// The statements of the two- and four-day rollup migration (docs/storage.md): one row per dataset, aligned block of
/// two or four UTC days (numbered from the epoch) and actor, like `dataset_daily` but wider, kept from the five-minute
/// cells ("Rolled hours"). A dataset report reads the whole days of its range as the fewest aligned blocks, and an
/// actor active on several days of a block is one row instead of several. The migration fills both from
/// `dataset_daily`, so an existing store answers as before; like the other rollups they keep their counts when events
/// are erased.
enum SQLiteMultiDaySchema {
    /// The migration's name.
    static let migration = "v10-dataset-multiday"

    /// Its statements. `block` is `floor(day / n)`, written so that it also rounds down before 1970.
    static let statements: [String] = [2, 4].flatMap { n in
        [
            SQLiteRollupTable.create("dataset_\(n)day", bucket: "block"),
            """
            INSERT INTO dataset_\(n)day(dataset, block, actor, events, rows, bytes, first, last)
            SELECT dataset, (day - (CASE WHEN day < 0 THEN \(n - 1) ELSE 0 END)) / \(n) AS b, actor, sum(events),
            sum(rows), sum(bytes), min(first), max(last) FROM dataset_daily GROUP BY dataset, b, actor
            """,
        ]
    }
}
