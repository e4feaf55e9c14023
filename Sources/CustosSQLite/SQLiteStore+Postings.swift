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
        tail: [PendingPostings.Chunk],
        posting: PostingFilter,
        conditions: [String],
        arguments: [(any DatabaseValueConvertible)?],
        cursor: Int64?,
        descending: Bool,
        limit: Int
    ) throws -> [Row] {
        let watermark = try PostingIndexer.watermark(db, schema: SQLitePostingsSchema.schema)
        var pending: [Int64] = []
        for chunk in tail where (chunk.entries.last?.seq ?? -1) >= watermark {
            for e in chunk.entries where e.seq >= watermark && posting.kind.matches(e.keys, key: posting.key) {
                if let cursor, descending ? e.seq >= cursor : e.seq <= cursor { continue }
                pending.append(e.seq)
            }
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
            var where_ = "k.kind = ? AND k.key = ? AND k.seq < ?"
            var values: [(any DatabaseValueConvertible)?] = [posting.kind.rawValue, posting.key, watermark]
            if let cursor {
                where_ += " AND k.seq \(descending ? "<" : ">") ?"
                values.append(cursor)
            }
            // CROSS JOIN keeps the postings as the outer loop, so the page is read in seq order from them.
            let sql = """
                SELECT e.seq, e.received, e.body FROM \(SQLitePostingsSchema.schema).postings k
                CROSS JOIN events e ON e.seq = k.seq
                WHERE \(where_)\(extra) ORDER BY k.seq \(descending ? "DESC" : "ASC") LIMIT \(maximum)
                """
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values + arguments))
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
    }
}
