import CustosLedger
public import CustosStore
import Foundation
import GRDB

extension SQLiteStore: CosignatureStore {
    public func addCosignature(_ cosignature: StoredCosignature) async throws {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO checkpoint_cosignatures(size, root, witness, line, received)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        Int64(cosignature.size), Data(cosignature.rootHash.bytes), cosignature.witness,
                        cosignature.line, cosignature.receivedMilliseconds,
                    ]
                )
            }
        } catch {
            throw StoreError(.unavailable, "cannot store cosignature: \(error)")
        }
    }

    public func cosignatures(sizes: [UInt64]) async throws -> [StoredCosignature] {
        let list = sizes.filter { $0 <= UInt64(Int64.max) }
        guard !list.isEmpty else { return [] }
        return try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT size, root, witness, line, received FROM checkpoint_cosignatures
                    WHERE size IN (\(list.map(String.init).joined(separator: ","))) ORDER BY received, witness
                    """
            )
            return try rows.map { row in
                StoredCosignature(
                    size: UInt64(row[0] as Int64),
                    rootHash: try TreeHash(bytes: [UInt8](row[1] as Data)),
                    witness: row[2],
                    line: row[3],
                    receivedMilliseconds: row[4]
                )
            }
        }
    }

    public func latestCosignedSize(witness: String) async throws -> UInt64 {
        try await read { db in
            let size = try Int64.fetchOne(
                db,
                sql: "SELECT MAX(size) FROM checkpoint_cosignatures WHERE witness = ?",
                arguments: [witness]
            )
            return UInt64(size ?? 0)
        }
    }
}
