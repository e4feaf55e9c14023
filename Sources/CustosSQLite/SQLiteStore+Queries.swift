import CustosCore
public import CustosStore
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteStore {
    public func events(_ query: EventQuery) async throws -> EventPage {
        let limit = try Self.checkedLimit(query.limit, maximum: 1000)
        // The pending tail is read before the transaction opens (``PendingPostings``).
        let tail = indexer.pending.snapshot()
        return try await read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
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
            let descending = query.order == .descending
            // The most selective key with postings drives the query; the other filters check the event rows.
            let posting: PostingFilter? =
                if let s = query.subject {
                    PostingFilter(kind: .subject, key: StableHash.of(s))
                } else if let r = query.resource {
                    PostingFilter(kind: .resource, key: StableHash.of(r))
                } else if let s = query.session {
                    PostingFilter(kind: .session, key: StableHash.of(s))
                } else if let a = query.actor { PostingFilter(kind: .actor, key: StableHash.of(a)) } else { nil }
            let rows: [Row]
            if let posting {
                rows = try Self.postingRows(
                    db,
                    tail: tail,
                    posting: posting,
                    conditions: conditions,
                    arguments: arguments,
                    cursor: query.cursor?.position,
                    descending: descending,
                    limit: limit + 1
                )
            } else {
                if let c = query.cursor {
                    conditions.append("e.seq \(descending ? "<" : ">") ?")
                    arguments.append(c.position)
                }
                let sql = """
                    SELECT e.seq, e.received, e.body FROM events e
                    \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                    ORDER BY e.seq \(descending ? "DESC" : "ASC") LIMIT \(limit + 1)
                    """
                rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            }
            return try Self.page(rows, limit: limit) { query.matches($0) }
        }
    }

    public func subjectAccess(_ query: SubjectAccessQuery) async throws -> EventPage {
        var eq = EventQuery(subject: query.subject, range: query.range, cursor: query.cursor, limit: query.limit)
        eq.order = .descending
        var page = try await events(eq)
        let subjectHash = StableHash.of(query.subject)
        let range = query.range
        let tail = indexer.pending.snapshot()
        page.total = try await read { db in
            let watermark = try PostingIndexer.watermark(db, schema: SQLitePostingsSchema.schema)
            var pendingCount: Int64 = 0
            try Self.forEachUnindexed(db, tail: tail, watermark: watermark) { e in
                guard e.keys.subjects.contains(subjectHash) else { return }
                if range.contains(Timestamp(millisecondsSinceEpoch: e.time)) { pendingCount += 1 }
            }
            // Every run is probed: `run IN (…)` seeks each run's (kind, key) range.
            var conditions = [
                "k.run IN (SELECT run FROM ix.runs)", "k.kind = ?", "k.key = ?", "k.seq < ?",
            ]
            var arguments: [(any DatabaseValueConvertible)?] = [
                PostingKind.subject.rawValue, subjectHash, watermark,
            ]
            if range == .all {
                let indexed = try Int64.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM ix.run_postings k WHERE " + conditions.joined(separator: " AND "),
                    arguments: StatementArguments(arguments)
                )
                return (indexed ?? 0) + pendingCount
            }
            Self.addRange(range, column: "e.time", &conditions, &arguments)
            let indexed = try Int64.fetchOne(
                db,
                sql: "SELECT count(*) FROM ix.run_postings k CROSS JOIN events e ON e.seq = k.seq WHERE "
                    + conditions.joined(separator: " AND "),
                arguments: StatementArguments(arguments)
            )
            return (indexed ?? 0) + pendingCount
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
        let tail = indexer.pending.snapshot()
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
            let rows = try Self.postingRows(
                db,
                tail: tail,
                posting: PostingFilter(kind: .session, key: StableHash.of(query.session)),
                conditions: [],
                arguments: [],
                cursor: query.cursor?.position,
                descending: false,
                limit: limit + 1
            )
            let page = try Self.page(rows, limit: limit) { $0.actor.session == query.session }
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

    /// Builds a page from up to `limit + 1` rows of `seq, received, body`: the first `limit` events that `keep`
    /// confirms, and a cursor when there was one more row.
    static func page(_ rows: [Row], limit: Int, keep: (AccessEvent) -> Bool) throws -> EventPage {
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
