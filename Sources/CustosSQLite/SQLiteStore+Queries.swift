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
