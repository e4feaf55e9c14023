import GRDB

/// A cell of the per-day activity rollup: one UTC day, one dataset.
private struct ActivityDayKey: Hashable {
    var day: Int64
    var dataset: String
}

extension SQLiteStore {
    /// Adds one transaction's cells keyed by dataset and UTC day (their actor, if any, is not looked at) to
    /// `activity_daily`, summed per day and dataset first, so each (day, dataset) of the batch is one upsert.
    static func applyActivityDaily(_ days: [RollupKey: RollupTotals], db: Database) throws {
        guard !days.isEmpty else { return }
        var cells: [ActivityDayKey: RollupTotals] = [:]
        for (k, t) in days {
            cells[ActivityDayKey(day: k.bucket, dataset: k.dataset), default: RollupTotals()].merge(t)
        }
        let upsert = try RawStatement(
            db,
            """
            INSERT INTO activity_daily(day, dataset, events, rows, bytes, first, last) VALUES (?,?,?,?,?,?,?)
            ON CONFLICT(day, dataset) DO UPDATE SET events = events + excluded.events,
            rows = rows + excluded.rows, bytes = bytes + excluded.bytes,
            first = min(first, excluded.first), last = max(last, excluded.last)
            """
        )
        for (k, t) in cells {
            upsert.bind(1, k.day)
            upsert.bind(2, k.dataset)
            upsert.bind(3, t.events)
            upsert.bind(4, t.rows)
            upsert.bind(5, t.bytes)
            upsert.bind(6, t.first)
            upsert.bind(7, t.last)
            try upsert.run()
        }
    }
}
