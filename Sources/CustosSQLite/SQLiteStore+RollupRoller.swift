import GRDB
import GRDBSQLite

extension SQLiteStore {
    /// How long after an hour's end (by the packing clock, ``packClock(_:)``) its five-minute cells are rolled into
    /// the coarser levels: an event that arrives later than that is added to every level by the ingest transaction
    /// itself, as before there was a roller.
    static let rollSettle: Int64 = 600_000

    /// The most five-minute slots one roll step covers (four hours), so that each step is a short transaction even
    /// when a whole history is rolled at once.
    static let rollStepSlots: Int64 = 48

    private static let slotsPerHour = RollupLevel.hourly.width / RollupLevel.fiveMinutely.width

    /// The five-minute slot below which every cell is in the coarser levels (``SQLiteRollMarkSchema``); `Int64.min`
    /// when nothing is.
    static func rolledBelow(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT rolled_below FROM dataset_roll_mark WHERE id = 0") ?? .min
    }

    /// The time (milliseconds since the epoch) below which every event is in the coarser levels, or nil when none is.
    static func rolledTime(_ db: Database) throws -> Int64? {
        let slot = try rolledBelow(db)
        return slot == .min ? nil : slot * RollupLevel.fiveMinutely.width
    }

    /// A common table expression `ds(d)` of the datasets that have five-minute cells, each found by one probe of the
    /// table's key (and a last NULL row, which readers skip).
    static let fiveMinuteDatasetsCTE = """
        RECURSIVE ds(d) AS (
            SELECT min(dataset) FROM dataset_5min
            UNION ALL SELECT (SELECT min(dataset) FROM dataset_5min WHERE dataset > ds.d) FROM ds WHERE ds.d IS NOT NULL
        )
        """

    /// The datasets that have five-minute cells.
    static func fiveMinuteDatasets(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "WITH \(fiveMinuteDatasetsCTE) SELECT d FROM ds WHERE d IS NOT NULL")
    }

    /// Adds five-minute cells to every coarser level — hours, quarters, days, two- and four-day blocks and all time —
    /// one upsert per cell of each (a slot lies within one hour, an hour within one bucket of every coarser level).
    static func applyCoarseLevels(_ slots: [RollupKey: RollupTotals], db: Database) throws {
        guard !slots.isEmpty else { return }
        var hours: [RollupKey: RollupTotals] = [:]
        for (k, t) in slots {
            hours[
                RollupKey(dataset: k.dataset, bucket: k.bucket.floorDivided(by: slotsPerHour), actor: k.actor),
                default: RollupTotals()
            ]
            .merge(t)
        }
        var days: [RollupKey: RollupTotals] = [:]
        var totals: [RollupKey: RollupTotals] = [:]
        for (k, t) in hours {
            days[RollupKey(dataset: k.dataset, bucket: k.bucket.floorDivided(by: 24), actor: k.actor), default: .init()]
                .merge(t)
            totals[RollupKey(dataset: k.dataset, bucket: 0, actor: k.actor), default: .init()].merge(t)
        }
        try applyDatasetRollup(days, table: RollupLevel.daily.table, bucket: RollupLevel.daily.bucket, db: db)
        try applyDatasetRollup(hours, table: RollupLevel.hourly.table, bucket: RollupLevel.hourly.bucket, db: db)
        try applyDatasetRollup(totals, table: RollupLevel.totals.table, bucket: RollupLevel.totals.bucket, db: db)
        try applyCoarseRollups(hours, db: db)
    }

    /// The first whole hour (as a slot number) the roller may not roll yet, or nil on an empty store.
    private static func rollTarget(_ db: Database) throws -> Int64? {
        guard let clock = try packClock(db) else { return nil }
        return (clock - rollSettle).floorDivided(by: RollupLevel.hourly.width) * slotsPerHour
    }

    /// Whether ``rollStep(_:)`` would move the mark (a read).
    static func rollWorkPending(_ db: Database) throws -> Bool {
        guard let target = try rollTarget(db) else { return false }
        return target > (try rolledBelow(db))
    }

    /// One step of the roller, in the caller's write transaction: the five-minute cells from the mark up to at most
    /// ``rollStepSlots`` past the first of them, and not past the last settled hour, are added to the coarser levels
    /// and the mark moved past them. Returns whether it moved the mark.
    static func rollStep(_ db: Database) throws -> Bool {
        guard let target = try rollTarget(db) else { return false }
        return try rollStep(db, target: target)
    }

    /// One roll step toward `target` (a slot number), whatever the clock.
    private static func rollStep(_ db: Database, target: Int64) throws -> Bool {
        let mark = try rolledBelow(db)
        guard target > mark else { return false }
        let datasets = try fiveMinuteDatasets(db)
        let firstSlot = try RawStatement(db, "SELECT min(slot) FROM dataset_5min WHERE dataset = ? AND slot >= ?")
        var first: Int64?
        for dataset in datasets {
            firstSlot.bind(1, dataset)
            firstSlot.bind(2, mark)
            try firstSlot.query { row in
                if sqlite3_column_type(row, 0) != SQLITE_NULL {
                    let slot = sqlite3_column_int64(row, 0)
                    first = min(first ?? slot, slot)
                }
            }
        }
        var upper = target
        if let first, first < target {
            upper = min(target, first.floorDivided(by: slotsPerHour) * slotsPerHour + rollStepSlots)
            let cells = try RawStatement(
                db,
                """
                SELECT slot, actor, events, rows, bytes, first, last FROM dataset_5min
                WHERE dataset = ? AND slot >= ? AND slot < ?
                """
            )
            var slots: [RollupKey: RollupTotals] = [:]
            for dataset in datasets {
                cells.bind(1, dataset)
                cells.bind(2, mark)
                cells.bind(3, upper)
                try cells.query { row in
                    slots[
                        RollupKey(dataset: dataset, bucket: sqlite3_column_int64(row, 0), actor: columnString(row, 1))
                    ] =
                        RollupTotals(
                            events: sqlite3_column_int64(row, 2),
                            rows: sqlite3_column_int64(row, 3),
                            bytes: sqlite3_column_int64(row, 4),
                            first: sqlite3_column_int64(row, 5),
                            last: sqlite3_column_int64(row, 6)
                        )
                }
            }
            try applyCoarseLevels(slots, db: db)
        }
        try db.execute(sql: "UPDATE dataset_roll_mark SET rolled_below = ? WHERE id = 0", arguments: [upper])
        return true
    }

    /// Rolls every five-minute cell into the coarser levels now, whatever the clock: for tests that compare the
    /// coarser tables with what ingest wrote before there was a roller, or build a store as it was then.
    func rollEverything() async throws {
        try await pool.writeWithoutTransaction { db in
            try Self.inStoreTransaction(db) {
                let newest = try Int64.fetchOne(
                    db,
                    sql: """
                        WITH \(Self.fiveMinuteDatasetsCTE)
                        SELECT max((SELECT max(slot) FROM dataset_5min WHERE dataset = d)) FROM ds
                        """
                )
                guard let newest else { return }
                while try Self.rollStep(db, target: newest + 1) {}
            }
        }
    }
}
