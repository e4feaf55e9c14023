import GRDB

extension SQLiteStore {
    /// Adds hour cells (a roll step's, or a transaction's late ones) to every coarse rollup level
    /// (``RollupLevel/derivedFromHours``): each level's cells are sums of hour cells, since an hour lies within one
    /// bucket of each, and each cell of the transaction is one upsert.
    static func applyCoarseRollups(_ hours: [RollupKey: RollupTotals], db: Database) throws {
        guard !hours.isEmpty else { return }
        for level in RollupLevel.derivedFromHours {
            let perBucket = level.width / RollupLevel.hourly.width
            var cells: [RollupKey: RollupTotals] = [:]
            for (k, t) in hours {
                cells[
                    RollupKey(dataset: k.dataset, bucket: k.bucket.floorDivided(by: perBucket), actor: k.actor),
                    default: RollupTotals()
                ].merge(t)
            }
            try applyDatasetRollup(cells, table: level.table, bucket: level.bucket, db: db)
        }
    }
}
