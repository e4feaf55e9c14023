import CustosCore
import CustosStore
import GRDB

/// The key a query finds its events by through the postings: an actor, session, resource or subject hash.
struct PostingFilter {
    var kind: PostingKind
    var key: Int64
}

extension SQLiteStore {
    /// The rows `seq, received, body` of the events with `posting` that also meet `conditions` (SQL over the
    /// `events` row as `e`, with `arguments`), in seq order after `cursor`, at most `limit`: the events below the
    /// index file's watermark through its postings, the rest from the pending `tail` (a ``PendingPostings``
    /// snapshot taken before this transaction opened).
    static func postingRows(
        _ db: Database,
        tail: PendingPostings.Snapshot,
        posting: PostingFilter,
        conditions: [String],
        arguments: [(any DatabaseValueConvertible)?],
        cursor: Int64?,
        descending: Bool,
        limit: Int
    ) throws -> [Row] {
        let watermark = try PostingIndexer.watermark(db, schema: SQLitePostingsSchema.schema)
        var pending: [Int64] = []
        try forEachUnindexed(db, tail: tail, watermark: watermark) { e in
            guard posting.kind.matches(e.keys, key: posting.key) else { return }
            if let cursor, descending ? e.seq >= cursor : e.seq <= cursor { return }
            pending.append(e.seq)
        }
        if descending { pending.reverse() }
        let extra = conditions.isEmpty ? "" : " AND " + conditions.joined(separator: " AND ")

        func fromPending(_ maximum: Int) throws -> [Row] {
            var rows: [Row] = []
            guard maximum > 0, !pending.isEmpty else { return rows }
            let one = "SELECT e.seq, e.received, e.body FROM events e WHERE e.seq = ?" + extra
            for seq in pending {
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: one,
                        arguments: StatementArguments([seq] + arguments)
                    )
                else { continue }
                rows.append(row)
                if rows.count >= maximum { break }
            }
            return rows
        }

        func fromIndex(_ maximum: Int) throws -> [Row] {
            guard maximum > 0 else { return [] }
            var where_ = "k.run = ? AND k.kind = ? AND k.key = ? AND k.seq < ?"
            var values: [(any DatabaseValueConvertible)?] = [posting.kind.rawValue, posting.key, watermark]
            if let cursor {
                where_ += " AND k.seq \(descending ? "<" : ">") ?"
                values.append(cursor)
            }
            // CROSS JOIN keeps the postings as the outer loop, so the page is read in seq order from them. The runs
            // cover disjoint seq ranges, so reading them one after the other in seq order keeps that order.
            let sql = """
                SELECT e.seq, e.received, e.body FROM \(SQLitePostingsSchema.schema).run_postings k
                CROSS JOIN events e ON e.seq = k.seq
                WHERE \(where_)\(extra) ORDER BY k.seq \(descending ? "DESC" : "ASC") LIMIT ?
                """
            var runs = try PostingRuns.list(db, schema: SQLitePostingsSchema.schema)
            if descending { runs.reverse() }
            let statement = try db.cachedStatement(sql: sql)
            var rows: [Row] = []
            for run in runs {
                if let cursor, descending ? run.first >= cursor : run.end <= cursor + 1 { continue }
                rows += try Row.fetchAll(
                    statement,
                    arguments: StatementArguments([run.id] + values + arguments + [maximum - rows.count])
                )
                if rows.count >= maximum { break }
            }
            return rows
        }

        if descending {
            let newer = try fromPending(limit)
            return newer + (try fromIndex(limit - newer.count))
        }
        let older = try fromIndex(limit)
        return older + (try fromPending(limit - older.count))
    }
}

extension SQLiteStore {
    /// Calls `body`, in seq order, for every event from `watermark` on that this transaction sees: those of the
    /// pending `tail`, then any appended by another process on the same file since (their keys derived from the
    /// stored bodies).
    static func forEachUnindexed(
        _ db: Database,
        tail: PendingPostings.Snapshot,
        watermark: Int64,
        _ body: (PendingPostings.Entry) throws -> Void
    ) throws {
        try tail.forEach(from: watermark, body)
        for e in try foreignEntries(db, from: max(watermark, tail.appendedThrough)) { try body(e) }
    }

    /// The entries of the events from `seq` on (below `upper`, if given), derived from their stored bodies: events
    /// this process did not append (another process writing the same file, normally none), or those a crash left
    /// without postings.
    static func foreignEntries(_ db: Database, from seq: Int64, upper: Int64 = .max) throws -> [PendingPostings.Entry] {
        let head = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq) + 1, 0) FROM events") ?? 0
        guard head > seq else { return [] }
        return try Row.fetchAll(
            db,
            sql: "SELECT seq, received, body FROM events WHERE seq >= ? AND seq < ? ORDER BY seq",
            arguments: [seq, upper]
        ).map { row in
            let stored = try decode(seq: row[0], received: row[1], body: row[2])
            return PendingPostings.Entry(
                seq: stored.seq,
                time: stored.event.time.millisecondsSinceEpoch,
                keys: EventIndexKeys(stored.event)
            )
        }
    }
}

extension SQLiteStore {
    /// Waits until the index file holds the postings of every event appended so far (benchmarks measure ingest as
    /// "appended and indexed"; erasure and tests use it too).
    public func waitForPostings() async throws {
        let pending = indexer.pending
        let head = pending.appendedThrough
        if head > 0 { try await indexer.flush(through: head - 1) }
    }
}

extension SQLiteStore {
    /// Writes the pending postings of the events below `through` (all, by default) to the index file now, on the
    /// caller's task (with ``Options/indexesInBackground`` off, the only way they are written before the next open).
    public func indexPendingPostings(through: Int64 = .max) async throws {
        while try await indexer.drainChunk(through: through) {}
        while try await indexer.mergeStep() {}
    }
}
