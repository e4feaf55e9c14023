public import CustosCore
public import CustosStore
import Foundation
import GRDB

extension SQLiteStore: ActivityStore {
    public func dailyActivity(range: TimeRange) async throws -> [ActivityBucket] {
        let day = RollupPlan.day
        let lower = range.from.map { $0.millisecondsSinceEpoch.floorDivided(by: day) }
        let upper = range.to.map { ($0.millisecondsSinceEpoch + day - 1).floorDivided(by: day) }
        return try await read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            RollupPlan.Span(lower: lower, upper: upper).addConditions(column: "day", &conditions, &arguments)
            let sql = """
                SELECT day, sum(events) FROM activity_daily
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                GROUP BY day ORDER BY day
                """
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                ActivityBucket(start: Timestamp(millisecondsSinceEpoch: (row[0] as Int64) * day), events: row[1])
            }
        }
    }

    public func datasetTotals(limit: Int) async throws -> [DatasetTotal] {
        let limit = try Self.checkedLimit(limit, maximum: 10_000)
        return try await read { db in
            // All time is the totals rollup and the five-minute cells after the roll mark (``SQLiteRollMarkSchema``).
            try Row.fetchAll(
                db,
                sql: """
                    WITH \(Self.fiveMinuteDatasetsCTE)
                    SELECT dataset, sum(events) AS n, sum(rows), count(DISTINCT actor), max(last) FROM (
                        SELECT dataset, actor, events, rows, last FROM dataset_totals
                        UNION ALL
                        SELECT dataset, actor, events, rows, last FROM dataset_5min
                        WHERE dataset IN (SELECT d FROM ds WHERE d IS NOT NULL) AND slot >= ?
                    )
                    GROUP BY dataset ORDER BY n DESC, dataset LIMIT ?
                    """,
                arguments: [try Self.rolledBelow(db), limit]
            ).map { row in
                DatasetTotal(
                    dataset: row[0],
                    events: row[1],
                    rows: row[2],
                    actors: row[3],
                    last: Timestamp(millisecondsSinceEpoch: row[4])
                )
            }
        }
    }
}
