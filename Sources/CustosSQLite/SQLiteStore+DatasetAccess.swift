import CustosCore
public import CustosStore
import Foundation
import GRDB
import GRDBSQLite

/// One actor's running sums in a dataset report.
private struct AccessTally {
    var events: Int64 = 0
    var rows: Int64 = 0
    var bytes: Int64 = 0
    var first = Int64.max
    var last = Int64.min

    mutating func add(events e: Int64, rows r: Int64, bytes b: Int64, first f: Int64, last l: Int64) {
        events += e
        rows += r
        bytes += b
        first = min(first, f)
        last = max(last, l)
    }
}

extension SQLiteStore {
    public func datasetAccess(_ query: DatasetAccessQuery) async throws -> DatasetAccessReport {
        let limit = try Self.checkedLimit(query.limit, maximum: 100_000)
        let tail = indexer.pending.snapshot()
        return try await read { db in
            var tallies: [String: AccessTally] = [:]
            // Whole days come from the daily rollup, whole hours of the partial days from the hourly one, and the
            // partial hours at the very edges from the covering time index (no event row or body is read). The
            // whole history is one row per actor in the totals rollup (bucket 0). Rows are summed here rather than
            // by a SQL GROUP BY, which would sort them by actor first.
            let plan = RollupPlan(range: query.range)
            let levels =
                query.range == .all
                ? [("dataset_totals", "bucket", [RollupPlan.Span(lower: 0, upper: 1)])]
                : [("dataset_daily", "day", plan.days), ("dataset_hourly", "hour", plan.hours)]
            for (table, bucket, spans) in levels {
                for span in spans {
                    try Self.sumRollup(db, table: table, bucket: bucket, span: span, dataset: query.dataset) {
                        tallies[$0, default: AccessTally()].add(events: $1, rows: $2, bytes: $3, first: $4, last: $5)
                    }
                }
            }
            var edges: [Int64: AccessTally] = [:]
            for edge in plan.raw {
                try Self.sumEdge(db, range: edge, datasetHash: StableHash.of(query.dataset)) {
                    actor,
                    rows,
                    bytes,
                    time in
                    edges[actor, default: AccessTally()].add(
                        events: 1,
                        rows: rows,
                        bytes: bytes,
                        first: time,
                        last: time
                    )
                }
            }
            if !edges.isEmpty {
                let names = try Self.actorNames(
                    db,
                    hashes: Set(edges.keys),
                    known: tallies.keys,
                    dataset: query.dataset,
                    tail: tail
                )
                for (hash, t) in edges {
                    guard let actor = names[hash] else { continue }
                    tallies[actor, default: AccessTally()]
                        .add(events: t.events, rows: t.rows, bytes: t.bytes, first: t.first, last: t.last)
                }
            }
            let sorted = tallies.map { actor, t in
                DatasetAccessRow(
                    actor: actor,
                    events: t.events,
                    rows: t.rows,
                    bytes: t.bytes,
                    first: Timestamp(millisecondsSinceEpoch: t.first),
                    last: Timestamp(millisecondsSinceEpoch: t.last)
                )
            }
            .sorted { ($0.events, $1.actor) > ($1.events, $0.actor) }
            return DatasetAccessReport(
                dataset: query.dataset,
                actors: Array(sorted.prefix(limit)),
                totalActors: sorted.count
            )
        }
    }

    /// Calls `add(actor, events, rows, bytes, first, last)` for every row of one dataset rollup within `span`.
    private static func sumRollup(
        _ db: Database,
        table: String,
        bucket: String,
        span: RollupPlan.Span,
        dataset: String,
        add: (String, Int64, Int64, Int64, Int64, Int64) -> Void
    ) throws {
        var conditions = ["dataset = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [dataset]
        if let lower = span.lower {
            conditions.append("\(bucket) >= ?")
            arguments.append(lower)
        }
        if let upper = span.upper {
            conditions.append("\(bucket) < ?")
            arguments.append(upper)
        }
        let rollup = try RawStatement(
            db,
            """
            SELECT actor, events, rows, bytes, first, last FROM \(table)
            WHERE \(conditions.joined(separator: " AND "))
            """
        )
        try rollup.statement.setArguments(StatementArguments(arguments))
        try rollup.query { row in
            add(
                columnString(row, 0),
                sqlite3_column_int64(row, 1),
                sqlite3_column_int64(row, 2),
                sqlite3_column_int64(row, 3),
                sqlite3_column_int64(row, 4),
                sqlite3_column_int64(row, 5)
            )
        }
    }

    /// Calls `add(actorHash, rows, bytes, time)` for every event of the dataset in `range`, read from the covering
    /// time index alone.
    private static func sumEdge(
        _ db: Database,
        range: TimeRange,
        datasetHash: Int64,
        add: (Int64, Int64, Int64, Int64) -> Void
    ) throws {
        var conditions = ["dataset_h = ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [datasetHash]
        addRange(range, column: "time", &conditions, &arguments)
        let statement = try RawStatement(
            db,
            """
            SELECT actor_h, rows, bytes, time FROM events INDEXED BY events_time_cover
            WHERE \(conditions.joined(separator: " AND "))
            """
        )
        try statement.statement.setArguments(StatementArguments(arguments))
        try statement.query { row in
            add(
                sqlite3_column_int64(row, 0),
                sqlite3_column_int64(row, 1),
                sqlite3_column_int64(row, 2),
                sqlite3_column_int64(row, 3)
            )
        }
    }

    /// Names the actor hashes of a report's edges: from the actors already read from the rollups, then from every
    /// actor the dataset's all-time rollup knows, and last from one of the actor's events.
    private static func actorNames(
        _ db: Database,
        hashes: Set<Int64>,
        known: some Sequence<String>,
        dataset: String,
        tail: PendingPostings.Snapshot
    ) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        func learn(_ actor: String) {
            let h = StableHash.of(actor)
            if hashes.contains(h) { names[h] = actor }
        }
        for actor in known { learn(actor) }
        if names.count < hashes.count {
            let all = try RawStatement(db, "SELECT actor FROM dataset_totals WHERE dataset = ? AND bucket = 0")
            all.bind(1, dataset)
            try all.query { row in learn(columnString(row, 0)) }
        }
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

/// Reads column `i` of the current row as UTF-8 text.
func columnString(_ handle: OpaquePointer, _ i: Int32) -> String {
    let count = Int(sqlite3_column_bytes(handle, i))
    guard count > 0, let p = sqlite3_column_text(handle, i) else { return "" }
    return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
}
