public import CustosCore
public import CustosStore
import Foundation
import GRDB

extension SQLiteStore: EventRangeScanning {
    public func seqBounds(of range: TimeRange) async throws -> ClosedRange<Int64>? {
        let (from, to) = Self.bounds(range)
        return try await read { db in
            // One pass over the time index (it holds the seq), once per replay.
            let row = try Row.fetchOne(
                db,
                sql: "SELECT min(seq), max(seq) FROM events WHERE time >= ? AND time < ?",
                arguments: [from, to]
            )
            guard let low: Int64 = row?[0], let high: Int64 = row?[1] else { return nil }
            return low...high
        }
    }

    public func events(seqs: ClosedRange<Int64>, in range: TimeRange, limit: Int) async throws -> [StoredEvent] {
        let (from, to) = Self.bounds(range)
        return try await read { db in
            // NOT INDEXED: walk the primary key (seq) between the bounds rather than sort the time index's range.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT seq, received, body FROM events NOT INDEXED
                    WHERE seq BETWEEN ? AND ? AND time >= ? AND time < ? ORDER BY seq LIMIT ?
                    """,
                arguments: [seqs.lowerBound, seqs.upperBound, from, to, max(1, limit)]
            )
            var events: [StoredEvent] = []
            while let row = try rows.next() {
                events.append(try Self.decode(seq: row[0], received: row[1], body: row[2]))
            }
            return events
        }
    }

    private static func bounds(_ range: TimeRange) -> (Int64, Int64) {
        (
            range.from?.millisecondsSinceEpoch ?? Int64.min,
            range.to?.millisecondsSinceEpoch ?? Int64.max
        )
    }
}
