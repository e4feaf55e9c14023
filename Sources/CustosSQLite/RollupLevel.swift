/// One level of the dataset rollups: a table of (dataset, bucket, actor) cells — events, rows, bytes, first and last
/// time — whose buckets are `width` milliseconds of UTC time, numbered from the epoch.
struct RollupLevel: Sendable {
    /// The table.
    let table: String
    /// The bucket column of its key.
    let bucket: String
    /// The width of a bucket, in milliseconds.
    let width: Int64
    /// The level's number in the packed blocks (``SQLiteDatasetPackSchema``).
    let code: Int64

    /// Aligned blocks of four UTC days (days 0–3 after the epoch, 4–7, …): a report's whole days are read as the
    /// fewest aligned four-, two- and one-day blocks.
    static let fourDaily = RollupLevel(table: "dataset_4day", bucket: "block", width: 4 * 86_400_000, code: 5)
    /// Aligned blocks of two UTC days.
    static let twoDaily = RollupLevel(table: "dataset_2day", bucket: "block", width: 2 * 86_400_000, code: 4)
    /// Whole UTC days.
    static let daily = RollupLevel(table: "dataset_daily", bucket: "day", width: 86_400_000, code: 3)
    /// Quarters of a UTC day (00–06, 06–12, 12–18, 18–24), numbered from the epoch: a partial day's hours are read
    /// as up to three quarters and the hours around them, and a quarter holds each actor once however many of its
    /// hours they were active in.
    static let quarterDaily = RollupLevel(table: "dataset_quarterly", bucket: "quarter", width: 21_600_000, code: 2)
    /// Whole UTC hours.
    static let hourly = RollupLevel(table: "dataset_hourly", bucket: "hour", width: 3_600_000, code: 1)
    /// Five-minute slots of UTC time, numbered from the epoch: the finest level, so a report's edges read at most
    /// five minutes of events on each side.
    static let fiveMinutely = RollupLevel(table: "dataset_5min", bucket: "slot", width: 300_000, code: 6)

    /// The whole history, one cell per dataset and actor in bucket 0 (its width is never used to divide time).
    static let totals = RollupLevel(table: "dataset_totals", bucket: "bucket", width: .max, code: 0)

    /// The levels a time range is answered from, coarsest first (``RollupPlan``); each width is a multiple of the
    /// next, so every cell of a finer level lies within one cell of each coarser one.
    static let ranged: [RollupLevel] = [.fourDaily, .twoDaily, .daily, .quarterDaily, .hourly, .fiveMinutely]

    /// The levels derived from hour cells besides days and all time, by the roller or, for late events, ingest
    /// (``SQLiteStore/applyCoarseRollups(_:db:)``); their migrations fill each from `dataset_hourly` (quarters) or
    /// `dataset_daily` (two- and four-day blocks).
    static let derivedFromHours: [RollupLevel] = [.quarterDaily, .twoDaily, .fourDaily]
}
