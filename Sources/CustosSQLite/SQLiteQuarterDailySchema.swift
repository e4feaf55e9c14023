/// The statements of the quarter-day rollup migration (docs/storage.md): one row per dataset, quarter of a UTC day and
/// actor, like `dataset_hourly` but six hours wide, kept from the five-minute cells (docs/storage.md, "Rolled hours").
/// A dataset report reads the partial days of its range as whole quarters and the hours around them, and an actor
/// active in several hours of a quarter is one row instead of several. The migration fills it from `dataset_hourly`, so
/// an existing store answers as before; like the other rollups it keeps its counts when events are erased.
enum SQLiteQuarterDailySchema {
    /// The migration's name.
    static let migration = "v8-dataset-quarterly"

    /// Its statements. `quarter` is `floor(hour / 6)`, written so that it also rounds down before 1970.
    static let statements: [String] = [
        SQLiteRollupTable.create("dataset_quarterly", bucket: "quarter"),
        """
        INSERT INTO dataset_quarterly(dataset, quarter, actor, events, rows, bytes, first, last)
        SELECT dataset, (hour - (CASE WHEN hour < 0 THEN 5 ELSE 0 END)) / 6 AS q, actor, sum(events), sum(rows),
        sum(bytes), min(first), max(last) FROM dataset_hourly GROUP BY dataset, q, actor
        """,
    ]
}
