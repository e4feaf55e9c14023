import CustosCore
import CustosLedger
import CustosStore
import Foundation
import GRDB
import GRDBSQLite

/// The events an erasure takes away: their seqs, in order.
public struct ErasurePlan: Sendable, Hashable {
    /// The seqs to erase, ascending.
    public var seqs: [Int64]

    /// A plan of these seqs (ascending).
    public init(seqs: [Int64]) {
        self.seqs = seqs
    }

    /// The seqs as compact ranges, `0-99,120,130-131`: what the `custos.erase` event records.
    public var ranges: String {
        var parts: [String] = []
        var index = 0
        while index < seqs.count {
            var end = index
            while end + 1 < seqs.count && seqs[end + 1] == seqs[end] + 1 { end += 1 }
            parts.append(end == index ? "\(seqs[index])" : "\(seqs[index])-\(seqs[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// Parses ``ranges`` text back into seq ranges; nil if malformed.
    public static func ranges(parsing text: String) -> [ClosedRange<Int64>]? {
        guard !text.isEmpty else { return [] }
        var out: [ClosedRange<Int64>] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int64($0) }
            guard (1...2).contains(bounds.count), let low = bounds[0], let high = bounds.last!, low <= high else {
                return nil
            }
            out.append(low...high)
        }
        return out
    }
}

extension SQLiteStore {
    /// The action of the body an erased event is left with.
    public static let erasedAction = "custos.erased"
    /// The action of the event that records an erasure.
    public static let eraseAction = "custos.erase"

    /// The events stored with a time before `before` (and of `app`, if given) that still have their body and
    /// salts, except the records of earlier erasures.
    public func erasurePlan(before: Timestamp, app: String?) async throws -> ErasurePlan {
        try await read { db in
            var sql = "SELECT seq FROM events WHERE time < ? AND salts IS NOT NULL AND action_h != ?"
            var arguments: StatementArguments = [before.millisecondsSinceEpoch, StableHash.of(Self.eraseAction)]
            if let app {
                sql += " AND app_h = ?"
                arguments += [StableHash.of(app)]
            }
            return ErasurePlan(seqs: try Int64.fetchAll(db, sql: sql + " ORDER BY seq", arguments: arguments))
        }
    }

    /// Erases the events of `plan` in one transaction: each keeps its seq, time and leaf hash (so its entry, the
    /// tree and every proof stay as they were) but loses its body — replaced by a `custos.erased` placeholder with
    /// only the time — its salts, its subjects and its query keys. Returns how many were erased (an event already
    /// erased is skipped).
    public func erase(_ plan: ErasurePlan) async throws -> Int {
        // The postings of these events must be in the index file before they are replaced there.
        if let last = plan.seqs.last { try await indexer.flush(through: last) }
        let placeholderKeys = EventIndexKeys(
            AccessEvent(
                time: Timestamp(millisecondsSinceEpoch: 0),
                actor: Actor(id: "custos"),
                action: Self.erasedAction,
                app: "custos"
            )
        )
        let changes = try await pool.write { db in
            let select = try RawStatement(
                db,
                """
                SELECT time, body, actor_h, session_h, resource_h, idem_h FROM events \
                WHERE seq = ? AND salts IS NOT NULL
                """
            )
            let update = try RawStatement(
                db,
                """
                UPDATE events SET body = ?, salts = NULL, actor_h = ?, session_h = NULL, action_h = ?, \
                dataset_h = NULL, resource_h = NULL, app_h = ?, rows = NULL, bytes = NULL, idem_h = NULL WHERE seq = ?
                """
            )
            var changes: [(seq: Int64, before: [(kind: PostingKind, key: Int64)], after: EventIndexKeys)] = []
            for seq in plan.seqs {
                select.bind(1, seq)
                var found: (time: Int64, body: Data, postings: [(kind: PostingKind, key: Int64)])?
                try select.query { row in
                    var postings: [(kind: PostingKind, key: Int64)] = [(.actor, sqlite3_column_int64(row, 2))]
                    for (column, kind) in [(Int32(3), PostingKind.session), (4, .resource), (5, .clientID)]
                    where sqlite3_column_type(row, column) != SQLITE_NULL {
                        postings.append((kind, sqlite3_column_int64(row, column)))
                    }
                    found = (sqlite3_column_int64(row, 0), columnBytes(row, 1), postings)
                }
                guard var found else { continue }
                if case .object(let body)? = try? JSONParser().parse(Array(found.body)),
                    case .array(let subjects)? = body["subjects"]
                {
                    for case .string(let subject) in subjects {
                        found.postings.append((.subject, StableHash.of(subject)))
                    }
                }
                let placeholder = AccessEvent(
                    time: Timestamp(millisecondsSinceEpoch: found.time),
                    actor: Actor(id: "custos"),
                    action: Self.erasedAction,
                    app: "custos"
                )
                update.bindBlob(1, CanonicalJSON.encode(placeholder.jsonValue))
                update.bind(2, StableHash.of("custos"))
                update.bind(3, StableHash.of(Self.erasedAction))
                update.bind(4, StableHash.of("custos"))
                update.bind(5, seq)
                try update.run()
                changes.append((seq, found.postings, placeholderKeys))
            }
            return changes
        }
        // After the bodies are gone: a crash in between leaves postings that queries no longer confirm against the
        // placeholder bodies (docs/storage.md, "Deferred postings").
        try await indexer.replace(changes)
        return changes.count
    }
}
