import CustosCore
public import CustosStore
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteStore {
    public func events(_ query: EventQuery) async throws -> EventPage {
        let limit = try Self.checkedLimit(query.limit, maximum: 1000)
        return try await read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            var from = "events e"
            if let s = query.subject {
                from = "event_subjects s JOIN events e ON e.seq = s.seq"
                conditions.append("s.subject_h = ?")
                arguments.append(StableHash.of(s))
            }
            // Each text filter matches its integer-hashed column; the outcome its code.
            let filters: [(column: String, value: Int64?)] = [
                ("e.actor_h", query.actor.map(StableHash.of)), ("e.session_h", query.session.map(StableHash.of)),
                ("e.action_h", query.action.map(StableHash.of)),
                ("e.outcome", query.outcome.map { Int64(OutcomeCode.of($0)) }),
                ("e.dataset_h", query.dataset.map(StableHash.of)), ("e.resource_h", query.resource.map(StableHash.of)),
                ("e.app_h", query.app.map(StableHash.of)),
            ]
            for case let (column, value?) in filters {
                conditions.append("\(column) = ?")
                arguments.append(value)
            }
            Self.addRange(query.range, column: "e.time", &conditions, &arguments)
            let seqColumn = query.subject == nil ? "e.seq" : "s.seq"
            if let c = query.cursor {
                conditions.append("\(seqColumn) \(query.order == .descending ? "<" : ">") ?")
                arguments.append(c.position)
            }
            let sql = """
                SELECT e.seq, e.received, e.body FROM \(from)
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY \(seqColumn) \(query.order == .descending ? "DESC" : "ASC") LIMIT \(limit + 1)
                """
            return try Self.page(db, sql: sql, arguments: arguments, limit: limit) { query.matches($0) }
        }
    }

    public func subjectAccess(_ query: SubjectAccessQuery) async throws -> EventPage {
        var eq = EventQuery(subject: query.subject, range: query.range, cursor: query.cursor, limit: query.limit)
        eq.order = .descending
        var page = try await events(eq)
        let subjectHash = StableHash.of(query.subject)
        let range = query.range
        page.total = try await read { db in
            var conditions = ["s.subject_h = ?"]
            var arguments: [(any DatabaseValueConvertible)?] = [subjectHash]
            if range == .all {
                return try Int64.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM event_subjects s WHERE s.subject_h = ?",
                    arguments: [subjectHash]
                )
            }
            Self.addRange(range, column: "e.time", &conditions, &arguments)
            return try Int64.fetchOne(
                db,
                sql: "SELECT count(*) FROM event_subjects s JOIN events e ON e.seq = s.seq WHERE "
                    + conditions.joined(separator: " AND "),
                arguments: StatementArguments(arguments)
            )
        }
        return page
    }

    public func timeline(_ query: TimelineQuery) async throws -> TimelinePage {
        let limit = try Self.checkedLimit(query.limit, maximum: 1000)
        return try await read { db in
            var conditions = ["actor = ?"]
            var arguments: [(any DatabaseValueConvertible)?] = [query.actor]
            Self.addRange(query.range, column: "start", &conditions, &arguments)
            if let c = query.cursor {
                conditions.append("(start, session) < (?, ?)")
                arguments.append(c.position)
                arguments.append(c.tieBreaker)
            }
            let sql = """
                SELECT session, start, end, events, rows, bytes, denied, datasets, actions FROM sessions
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY start DESC, session DESC LIMIT \(limit + 1)
                """
            let statement = try RawStatement(db, sql)
            try statement.statement.setArguments(StatementArguments(arguments))
            var sessions: [SessionSummary] = []
            try statement.query { row in
                let session = String(decoding: columnBytes(row, 0), as: UTF8.self)
                sessions.append(Self.sessionSummary(actor: query.actor, session: session, row: row, offset: 1))
            }
            var next: PageCursor?
            if sessions.count > limit {
                sessions.removeLast()
                let last = sessions[sessions.count - 1]
                next = PageCursor(position: last.start.millisecondsSinceEpoch, tieBreaker: last.session)
            }
            return TimelinePage(sessions: sessions, nextCursor: next)
        }
    }

    public func session(_ query: SessionQuery) async throws -> SessionReport? {
        let limit = try Self.checkedLimit(query.limit, maximum: 5000)
        return try await read { db in
            let statement = try RawStatement(
                db,
                """
                SELECT actor, start, end, events, rows, bytes, denied, datasets, actions FROM sessions
                WHERE session = ? ORDER BY start
                """
            )
            statement.bind(1, query.session)
            var summaries: [SessionSummary] = []
            try statement.query { row in
                let actor = String(decoding: columnBytes(row, 0), as: UTF8.self)
                summaries.append(Self.sessionSummary(actor: actor, session: query.session, row: row, offset: 1))
            }
            if summaries.isEmpty { return nil }
            var arguments: [(any DatabaseValueConvertible)?] = [StableHash.of(query.session)]
            var cursorCondition = ""
            if let c = query.cursor {
                cursorCondition = "AND seq > ?"
                arguments.append(c.position)
            }
            let page = try Self.page(
                db,
                sql: """
                    SELECT seq, received, body FROM events WHERE session_h = ? \(cursorCondition)
                    ORDER BY seq LIMIT \(limit + 1)
                    """,
                arguments: arguments,
                limit: limit
            ) { $0.actor.session == query.session }
            return SessionReport(summaries: summaries, page: page)
        }
    }

    public func datasetAccess(_ query: DatasetAccessQuery) async throws -> DatasetAccessReport {
        let limit = try Self.checkedLimit(query.limit, maximum: 100_000)
        return try await read { db in
            var totals: [String: DatasetAccessRow] = [:]
            func add(_ actor: String, _ events: Int64, _ rows: Int64, _ bytes: Int64, _ first: Int64, _ last: Int64) {
                let f = Timestamp(millisecondsSinceEpoch: first)
                let l = Timestamp(millisecondsSinceEpoch: last)
                if var r = totals[actor] {
                    r.events += events
                    r.rows += rows
                    r.bytes += bytes
                    r.first = min(r.first, f)
                    r.last = max(r.last, l)
                    totals[actor] = r
                } else {
                    totals[actor] = DatasetAccessRow(
                        actor: actor,
                        events: events,
                        rows: rows,
                        bytes: bytes,
                        first: f,
                        last: l
                    )
                }
            }
            // Whole days come from the daily rollup, whole hours of the partial days from the hourly one, and the
            // partial hours at the very edges from the events' own columns (no body is decoded).
            let plan = RollupPlan(range: query.range)
            // The whole history is one row per actor in the totals rollup (bucket 0).
            let levels =
                query.range == .all
                ? [("dataset_totals", "bucket", [RollupPlan.Span(lower: 0, upper: 1)])]
                : [("dataset_daily", "day", plan.days), ("dataset_hourly", "hour", plan.hours)]
            for (table, bucket, spans) in levels {
                for span in spans {
                    var conditions = ["dataset = ?"]
                    var arguments: [(any DatabaseValueConvertible)?] = [query.dataset]
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
                        SELECT actor, sum(events), sum(rows), sum(bytes), min(first), max(last) FROM \(table)
                        WHERE \(conditions.joined(separator: " AND ")) GROUP BY actor
                        """
                    )
                    try rollup.statement.setArguments(StatementArguments(arguments))
                    try rollup.query { row in
                        add(
                            String(decoding: columnBytes(row, 0), as: UTF8.self),
                            sqlite3_column_int64(row, 1),
                            sqlite3_column_int64(row, 2),
                            sqlite3_column_int64(row, 3),
                            sqlite3_column_int64(row, 4),
                            sqlite3_column_int64(row, 5)
                        )
                    }
                }
            }
            // Each actor hash of the raw edges is named from the rollup rows already read, or from one of that
            // actor's events.
            var names: [Int64: String] = [:]
            for actor in totals.keys { names[StableHash.of(actor)] = actor }
            for edge in plan.raw {
                var c = ["dataset_h = ?"]
                var a: [(any DatabaseValueConvertible)?] = [StableHash.of(query.dataset)]
                Self.addRange(edge, column: "time", &c, &a)
                let statement = try RawStatement(
                    db,
                    """
                    SELECT actor_h, count(*), coalesce(sum(rows), 0), coalesce(sum(bytes), 0), min(time), max(time)
                    FROM events INDEXED BY events_time WHERE \(c.joined(separator: " AND ")) GROUP BY actor_h
                    """
                )
                try statement.statement.setArguments(StatementArguments(a))
                var rows: [(Int64, Int64, Int64, Int64, Int64, Int64)] = []
                try statement.query { row in
                    rows.append(
                        (
                            sqlite3_column_int64(row, 0), sqlite3_column_int64(row, 1), sqlite3_column_int64(row, 2),
                            sqlite3_column_int64(row, 3), sqlite3_column_int64(row, 4), sqlite3_column_int64(row, 5)
                        )
                    )
                }
                for (actorHash, events, rowCount, byteCount, first, last) in rows {
                    if names[actorHash] == nil {
                        let sample = try Row.fetchOne(
                            db,
                            sql: "SELECT seq, received, body FROM events WHERE actor_h = ? LIMIT 1",
                            arguments: [actorHash]
                        )
                        if let sample {
                            names[actorHash] = try Self.decode(seq: sample[0], received: sample[1], body: sample[2])
                                .event.actor.id
                        }
                    }
                    guard let actor = names[actorHash] else { continue }
                    add(actor, events, rowCount, byteCount, first, last)
                }
            }
            let sorted = totals.values.sorted { ($0.events, $1.actor) > ($1.events, $0.actor) }
            return DatasetAccessReport(
                dataset: query.dataset,
                actors: Array(sorted.prefix(limit)),
                totalActors: sorted.count
            )
        }
    }

    public func statistics() async throws -> StoreStatistics {
        try await read { db in
            StoreStatistics(events: try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq) + 1, 0) FROM events") ?? 0)
        }
    }

    static func checkedLimit(_ limit: Int, maximum: Int) throws -> Int {
        guard limit >= 1 && limit <= maximum else {
            throw StoreError(.invalidQuery, "limit must be between 1 and \(maximum)")
        }
        return limit
    }

    static func addRange(
        _ range: TimeRange,
        column: String,
        _ conditions: inout [String],
        _ arguments: inout [(any DatabaseValueConvertible)?]
    ) {
        if let f = range.from {
            conditions.append("\(column) >= ?")
            arguments.append(f.millisecondsSinceEpoch)
        }
        if let t = range.to {
            conditions.append("\(column) < ?")
            arguments.append(t.millisecondsSinceEpoch)
        }
    }

    /// Runs a `seq, received, body` query fetching `limit + 1` rows and builds a page from it.
    static func page(
        _ db: Database,
        sql: String,
        arguments: [(any DatabaseValueConvertible)?],
        limit: Int,
        keep: (AccessEvent) -> Bool
    ) throws -> EventPage {
        let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        var events: [StoredEvent] = []
        events.reserveCapacity(min(rows.count, limit))
        for row in rows.prefix(limit) {
            let stored = try decode(seq: row[0], received: row[1], body: row[2])
            if keep(stored.event) { events.append(stored) }
        }
        let next = rows.count > limit ? PageCursor(position: rows[limit - 1][0]) : nil
        return EventPage(events: events, nextCursor: next)
    }
}
