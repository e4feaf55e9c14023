import CustosCore
public import CustosStore
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteStore {
    public func datasetAccess(_ query: DatasetAccessQuery) async throws -> DatasetAccessReport {
        let limit = try Self.checkedLimit(query.limit, maximum: 100_000)
        let tail = indexer.pending.snapshot()
        return try await read { db in
            var tallies = DatasetReportTallies()
            // Each rollup level (``RollupLevel/ranged``, coarsest first) covers the whole buckets the coarser levels
            // left, and what is left at the very edges (less than the finest bucket on each side) comes from the
            // dataset's time index (no event row or body is read). The coarser levels hold the events below the roll
            // mark only (``SQLiteRollMarkSchema``), so the range is read in two parts: before the mark from every
            // level, after it from the five-minute level alone (the last hour or so). The whole history is one row per
            // actor in the totals rollup (bucket 0) and the five-minute cells after the mark. Rows are summed here, by
            // actor hash, rather than by a SQL GROUP BY, which would sort them by actor first.
            let rolledSlot = try Self.rolledBelow(db)
            let rolled = try Self.rolledTime(db)
            let datasetHash = StableHash.of(query.dataset)
            if query.range == .all {
                let everything = RollupPlan.Span(lower: 0, upper: 1)
                try Self.sumRollup(db, level: .totals, span: everything, dataset: query.dataset, into: &tallies)
                let tail = RollupPlan.Span(lower: rolled == nil ? nil : rolledSlot, upper: nil)
                try Self.sumLevel(db, level: .fiveMinutely, span: tail, dataset: query.dataset, into: &tallies)
            } else {
                for (range, levels) in Self.rollSplit(query.range, rolled: rolled) {
                    let plan = RollupPlan(range: range, levels: levels)
                    for (level, span) in plan.spans {
                        try Self.sumLevel(db, level: level, span: span, dataset: query.dataset, into: &tallies)
                    }
                    for edge in plan.raw {
                        try Self.sumEdge(db, range: edge, datasetHash: datasetHash, into: &tallies)
                    }
                }
            }
            let unnamed = tallies.unnamed
            if !unnamed.isEmpty {
                for (hash, actor) in try Self.actorNames(db, hashes: unnamed, dataset: query.dataset, tail: tail) {
                    tallies.name(hash, actor)
                }
            }
            let actors = tallies.top(limit).map { actor, t in
                DatasetAccessRow(
                    actor: actor,
                    events: t.events,
                    rows: t.rows,
                    bytes: t.bytes,
                    first: Timestamp(millisecondsSinceEpoch: t.first),
                    last: Timestamp(millisecondsSinceEpoch: t.last)
                )
            }
            return DatasetAccessReport(dataset: query.dataset, actors: actors, totalActors: tallies.namedCount)
        }
    }

    /// A report's range split at the roll mark (`rolled`, in milliseconds; nil when nothing is rolled): the part
    /// before it is read from every level, the part after it from the five-minute level only. Empty parts are left out.
    static func rollSplit(_ range: TimeRange, rolled: Int64?) -> [(range: TimeRange, levels: [RollupLevel])] {
        let from = range.from?.millisecondsSinceEpoch
        let to = range.to?.millisecondsSinceEpoch
        guard let rolled else { return [(range, [.fiveMinutely])] }
        var parts: [(range: TimeRange, levels: [RollupLevel])] = []
        let mark = Timestamp(millisecondsSinceEpoch: rolled)
        if from.map({ $0 < rolled }) ?? true {
            parts.append(
                (TimeRange(from: range.from, to: to.map { $0 < rolled } ?? false ? range.to : mark), RollupLevel.ranged)
            )
        }
        if to.map({ $0 > rolled }) ?? true {
            parts.append(
                (TimeRange(from: from.map { $0 > rolled } ?? false ? range.from : mark, to: range.to), [.fiveMinutely])
            )
        }
        return parts
    }

    /// Adds every row of one dataset rollup level within `span` to `tallies`.
    static func sumRollup(
        _ db: Database,
        level: RollupLevel,
        span: RollupPlan.Span,
        dataset: String,
        into tallies: inout DatasetReportTallies
    ) throws {
        var conditions = ["dataset = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [dataset]
        span.addConditions(column: level.bucket, &conditions, &arguments)
        let rollup = try RawStatement(
            db,
            """
            SELECT actor, events, rows, bytes, first, last FROM \(level.table)
            WHERE \(conditions.joined(separator: " AND "))
            """
        )
        try rollup.statement.setArguments(StatementArguments(arguments))
        try rollup.query { row in
            let text = sqlite3_column_text(row, 0)
            let count = Int(sqlite3_column_bytes(row, 0))
            tallies.add(
                actor: UnsafeBufferPointer(start: text, count: text == nil ? 0 : count),
                events: sqlite3_column_int64(row, 1),
                rows: sqlite3_column_int64(row, 2),
                bytes: sqlite3_column_int64(row, 3),
                first: sqlite3_column_int64(row, 4),
                last: sqlite3_column_int64(row, 5)
            )
        }
    }

    /// Adds every event of the dataset in `range` to `tallies`, read from the dataset's time index alone
    /// (`events_dataset_time`: only this dataset's events, and no event row).
    private static func sumEdge(
        _ db: Database,
        range: TimeRange,
        datasetHash: Int64,
        into tallies: inout DatasetReportTallies
    ) throws {
        var conditions = ["dataset_h = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [datasetHash]
        addRange(range, column: "time", &conditions, &arguments)
        let statement = try RawStatement(
            db,
            """
            SELECT actor_h, rows, bytes, time FROM events INDEXED BY events_dataset_time
            WHERE \(conditions.joined(separator: " AND "))
            """
        )
        try statement.statement.setArguments(StatementArguments(arguments))
        try statement.query { row in
            tallies.add(
                actorHash: sqlite3_column_int64(row, 0),
                rows: sqlite3_column_int64(row, 1),
                bytes: sqlite3_column_int64(row, 2),
                time: sqlite3_column_int64(row, 3)
            )
        }
    }

    /// Names the actor hashes of a report's edges that no rollup row of the range named: from every actor the
    /// dataset's all-time rollup knows, and last from one of the actor's events.
    private static func actorNames(
        _ db: Database,
        hashes: Set<Int64>,
        dataset: String,
        tail: PendingPostings.Snapshot
    ) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        func learn(_ actor: String) {
            let h = StableHash.of(actor)
            if hashes.contains(h) { names[h] = actor }
        }
        let all = try RawStatement(db, "SELECT actor FROM dataset_totals WHERE dataset = ? AND bucket = 0")
        all.bind(1, dataset)
        try all.query { row in learn(columnString(row, 0)) }
        for hash in hashes where names[hash] == nil {
            let sample = try postingRows(
                db,
                tail: tail,
                posting: PostingFilter(kind: .actor, key: hash),
                conditions: [],
                arguments: [],
                cursor: nil,
                descending: false,
                limit: 1
            ).first
            if let sample {
                names[hash] = try decode(seq: sample[0], received: sample[1], body: sample[2]).event.actor.id
            }
        }
        return names
    }
}

extension RollupPlan.Span {
    /// Adds the SQL conditions that keep `column` (a bucket number) within the span, and their arguments.
    func addConditions(
        column: String,
        _ conditions: inout [String],
        _ arguments: inout [(any DatabaseValueConvertible)?]
    ) {
        if let lower {
            conditions.append("\(column) >= ?")
            arguments.append(lower)
        }
        if let upper {
            conditions.append("\(column) < ?")
            arguments.append(upper)
        }
    }
}

/// Reads column `i` of the current row as UTF-8 text.
func columnString(_ handle: OpaquePointer, _ i: Int32) -> String {
    let count = Int(sqlite3_column_bytes(handle, i))
    guard count > 0, let p = sqlite3_column_text(handle, i) else { return "" }
    return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
}
