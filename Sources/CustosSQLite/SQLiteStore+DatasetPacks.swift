import CustosCore
import CustosStore
import GRDB
import GRDBSQLite

extension SQLiteStore {
    /// How long after a bucket's end it is packed: events that arrive a little late land in rows, not in a pack that
    /// would have to be written again. Time here is the newest event's time, but never later than when the newest
    /// event was received (the server's clock), so one event stamped years ahead cannot settle the buckets of the
    /// present, whose packs every commit would then have to drop.
    static let packSettle: Int64 = 3_600_000

    /// The longest stretch of event time one packing step covers on one level, so that each step is a short
    /// transaction even when a whole history is packed after an upgrade.
    static let packStepWidth: Int64 = 4 * 86_400_000

    /// Rolls every settled hour and packs every settled bucket now, on the caller's task (the background
    /// ``RollupPacker`` does the same after commits; benchmarks and tests call this to measure or check a packed store).
    public func packDatasetRollups() async throws {
        while try await pool.writeWithoutTransaction({ db in try Self.packStepInStoreTransaction(db) }) {}
    }

    /// One ``packStep(_:)`` in its own transaction, which locks the store's file only (``inStoreTransaction(_:_:)``).
    static func packStepInStoreTransaction(_ db: Database) throws -> Bool {
        try inStoreTransaction(db) { try packStep(db) }
    }

    /// How far each level has been packed: every bucket below its mark was packed when it settled, or is in
    /// `dataset_pack_stale`.
    static func packMarks(_ db: Database) throws -> [Int64: Int64] {
        var marks: [Int64: Int64] = [:]
        let statement = try RawStatement(db, "SELECT level, packed_below FROM dataset_pack_marks")
        try statement.query { row in marks[sqlite3_column_int64(row, 0)] = sqlite3_column_int64(row, 1) }
        return marks
    }

    /// Called in the ingest transaction with its five-minute cells (the finest level, whose width divides every
    /// other's): the pack of every bucket below a level's mark that these cells change is deleted, and the bucket
    /// marked to be packed again, in the same transaction.
    static func invalidatePacks(_ slots: [RollupKey: RollupTotals], db: Database) throws {
        guard let earliest = slots.keys.lazy.map(\.bucket).min() else { return }
        let marks = try packMarks(db)
        var stale: [(level: Int64, dataset: String, bucket: Int64)] = []
        for level in RollupLevel.ranged {
            let perBucket = level.width / RollupLevel.fiveMinutely.width
            guard let mark = marks[level.code], earliest.floorDivided(by: perBucket) < mark else { continue }
            var seen: Set<RollupKey> = []
            for k in slots.keys {
                let bucket = k.bucket.floorDivided(by: perBucket)
                guard bucket < mark, seen.insert(RollupKey(dataset: k.dataset, bucket: bucket, actor: "")).inserted
                else { continue }
                stale.append((level.code, k.dataset, bucket))
            }
        }
        guard !stale.isEmpty else { return }
        let delete = try RawStatement(db, "DELETE FROM dataset_packs WHERE level = ? AND dataset = ? AND bucket = ?")
        let mark = try RawStatement(
            db,
            "INSERT OR IGNORE INTO dataset_pack_stale(level, dataset, bucket) VALUES (?,?,?)"
        )
        for s in stale {
            for statement in [delete, mark] {
                statement.bind(1, s.level)
                statement.bind(2, s.dataset)
                statement.bind(3, s.bucket)
                try statement.run()
            }
        }
    }

    /// One step of packing, in the caller's write transaction: a roll step (``rollStep(_:)``) if one is due, or else up
    /// to 1,000 buckets marked stale are packed again, or else the next settled stretch (``packStepWidth``) of the
    /// first level with one. Returns whether it did anything.
    static func packStep(_ db: Database) throws -> Bool {
        if try rollStep(db) { return true }
        if try repackStale(db) { return true }
        guard let latest = try packClock(db) else { return false }
        let marks = try packMarks(db)
        let rolled = try rolledTime(db)
        for level in RollupLevel.ranged {
            guard let settled = settledBucket(level, latest: latest, rolled: rolled) else { continue }
            if let mark = marks[level.code], mark >= settled { continue }
            let datasets = try String.fetchAll(db, sql: "SELECT DISTINCT dataset FROM dataset_totals")
            var from = marks[level.code]
            if from == nil {
                // A level never packed starts at its first bucket (each dataset's found from its key's prefix).
                let first = try datasets.compactMap { dataset in
                    try Int64.fetchOne(
                        db,
                        sql: "SELECT min(\(level.bucket)) FROM \(level.table) WHERE dataset = ?",
                        arguments: [dataset]
                    )
                }.min()
                from = min(first ?? settled, settled)
            }
            guard let from, from < settled else {
                // Nothing of this level has settled yet: every bucket below `settled` is (vacuously) packed, and
                // a late event into one of them is marked stale by the ingest transaction like any other.
                try setPackMark(level: level, to: settled, db: db)
                continue
            }
            let upper = min(settled, from + max(1, packStepWidth / level.width))
            for dataset in datasets {
                try pack(db, level: level, dataset: dataset, buckets: from..<upper)
            }
            try setPackMark(level: level, to: upper, db: db)
            return true
        }
        return false
    }

    /// Whether ``packStep(_:)`` would find anything to do: an hour to roll, a stale bucket, or a level with settled
    /// buckets above its mark. A read, so the packer asks it without waiting for (or holding up) the writer after
    /// every commit.
    static func packWorkPending(_ db: Database) throws -> Bool {
        if try rollWorkPending(db) { return true }
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dataset_pack_stale)") == true { return true }
        guard let latest = try packClock(db) else { return false }
        let marks = try packMarks(db)
        let rolled = try rolledTime(db)
        return RollupLevel.ranged.contains { level in
            guard let settled = settledBucket(level, latest: latest, rolled: rolled) else { return false }
            guard let mark = marks[level.code] else { return true }
            return mark < settled
        }
    }

    /// The first bucket of `level` that may not be packed yet: buckets end an hour (``packSettle``) before the
    /// packing clock, and a level coarser than five minutes only where its cells are complete, below the roll mark
    /// (`rolled`, nil when nothing is rolled: then none of its buckets is).
    private static func settledBucket(_ level: RollupLevel, latest: Int64, rolled: Int64?) -> Int64? {
        let settled = (latest - packSettle).floorDivided(by: level.width)
        if level.code == RollupLevel.fiveMinutely.code { return settled }
        guard let rolled else { return nil }
        return min(settled, rolled.floorDivided(by: level.width))
    }

    /// The store's time for packing: the newest event's time, capped at when the newest event was received.
    static func packClock(_ db: Database) throws -> Int64? {
        guard
            let newest = try Int64.fetchOne(
                db,
                sql: "SELECT time FROM events INDEXED BY events_time_cover ORDER BY time DESC LIMIT 1"
            ),
            let received = try Int64.fetchOne(db, sql: "SELECT received FROM events ORDER BY seq DESC LIMIT 1")
        else { return nil }
        return min(newest, received)
    }

    private static func setPackMark(level: RollupLevel, to mark: Int64, db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO dataset_pack_marks(level, packed_below) VALUES (?, ?)",
            arguments: [level.code, mark]
        )
    }

    /// Packs again the buckets a late event changed after they were packed.
    private static func repackStale(_ db: Database) throws -> Bool {
        let stale = try Row.fetchAll(db, sql: "SELECT level, dataset, bucket FROM dataset_pack_stale LIMIT 1000")
        guard !stale.isEmpty else { return false }
        let levels = Dictionary(uniqueKeysWithValues: RollupLevel.ranged.map { ($0.code, $0) })
        for row in stale {
            let code: Int64 = row[0]
            let dataset: String = row[1]
            let bucket: Int64 = row[2]
            if let level = levels[code] { try pack(db, level: level, dataset: dataset, buckets: bucket..<(bucket + 1)) }
            try db.execute(
                sql: "DELETE FROM dataset_pack_stale WHERE level = ? AND dataset = ? AND bucket = ?",
                arguments: [code, dataset, bucket]
            )
        }
        return true
    }

    /// Writes the pack of each bucket of `buckets` that has rows (one blob per bucket) and deletes the pack of each
    /// that has none.
    private static func pack(_ db: Database, level: RollupLevel, dataset: String, buckets: Range<Int64>) throws {
        let select = try RawStatement(
            db,
            """
            SELECT \(level.bucket), actor, events, rows, bytes, first, last FROM \(level.table)
            WHERE dataset = ? AND \(level.bucket) >= ? AND \(level.bucket) < ? ORDER BY \(level.bucket)
            """
        )
        select.bind(1, dataset)
        select.bind(2, buckets.lowerBound)
        select.bind(3, buckets.upperBound)
        var packs: [(bucket: Int64, cells: [(actor: [UInt8], totals: RollupTotals)])] = []
        try select.query { row in
            let bucket = sqlite3_column_int64(row, 0)
            if packs.last?.bucket != bucket { packs.append((bucket, [])) }
            let totals = RollupTotals(
                events: sqlite3_column_int64(row, 2),
                rows: sqlite3_column_int64(row, 3),
                bytes: sqlite3_column_int64(row, 4),
                first: sqlite3_column_int64(row, 5),
                last: sqlite3_column_int64(row, 6)
            )
            packs[packs.count - 1].cells.append((Array(columnBytes(row, 1)), totals))
        }
        let delete = try RawStatement(
            db,
            "DELETE FROM dataset_packs WHERE level = ? AND dataset = ? AND bucket >= ? AND bucket < ?"
        )
        delete.bind(1, level.code)
        delete.bind(2, dataset)
        delete.bind(3, buckets.lowerBound)
        delete.bind(4, buckets.upperBound)
        try delete.run()
        let insert = try RawStatement(db, "INSERT INTO dataset_packs(level, dataset, bucket, cells) VALUES (?,?,?,?)")
        for (bucket, cells) in packs {
            insert.bind(1, level.code)
            insert.bind(2, dataset)
            insert.bind(3, bucket)
            insert.bindBlob(4, RollupPack.encode(cells))
            try insert.run()
        }
    }

    /// Adds every cell of one dataset rollup level within `span` to `tallies`: the packed buckets from their packs,
    /// and the stretches between them (buckets not packed yet) from the rows.
    static func sumLevel(
        _ db: Database,
        level: RollupLevel,
        span: RollupPlan.Span,
        dataset: String,
        into tallies: inout DatasetReportTallies
    ) throws {
        var conditions = ["level = ?", "dataset = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [level.code, dataset]
        span.addConditions(column: "bucket", &conditions, &arguments)
        let packs = try RawStatement(
            db,
            "SELECT bucket, cells FROM dataset_packs WHERE \(conditions.joined(separator: " AND ")) ORDER BY bucket"
        )
        try packs.statement.setArguments(StatementArguments(arguments))
        // The first bucket of the span not yet covered by a pack (nil: from the beginning of time).
        var next = span.lower
        var gaps: [RollupPlan.Span] = []
        try packs.query { row in
            let bucket = sqlite3_column_int64(row, 0)
            if next.map({ $0 < bucket }) ?? true { gaps.append(RollupPlan.Span(lower: next, upper: bucket)) }
            next = bucket + 1
            let count = Int(sqlite3_column_bytes(row, 1))
            let pointer = sqlite3_column_blob(row, 1)
            let pack = UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count)
            try RollupPack.forEachCell(pack) { hash, actor, totals in
                tallies.add(actorHash: hash, actor: actor, totals)
            }
        }
        if let upper = span.upper, let next, next >= upper {
            // The packs reach the end of the span.
        } else {
            gaps.append(RollupPlan.Span(lower: next, upper: span.upper))
        }
        for gap in gaps {
            try sumRollup(db, level: level, span: gap, dataset: dataset, into: &tallies)
        }
    }
}
