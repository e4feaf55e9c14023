public import CustosCore
public import CustosStore
import Foundation
import GRDB

extension SQLiteStore: KeyStore {
    public func insertKey(_ key: APIKeyRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_keys(id, name, owner, scopes, secret_hash, created, expires, revoked)
                    VALUES (?,?,?,?,?,?,?,?)
                    """,
                arguments: [
                    key.id, key.name, key.owner, key.scopes.sorted().map(\.rawValue).joined(separator: " "),
                    Data(key.secretHash), key.created.millisecondsSinceEpoch, key.expires?.millisecondsSinceEpoch,
                    key.revoked?.millisecondsSinceEpoch,
                ]
            )
        }
    }

    public func key(id: String) async throws -> APIKeyRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [id]).map(Self.keyRecord)
        }
    }

    public func allKeys() async throws -> [APIKeyRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY created, id").map(Self.keyRecord)
        }
    }

    public func revokeKey(id: String, at time: Timestamp) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked = ? WHERE id = ? AND revoked IS NULL",
                arguments: [time.millisecondsSinceEpoch, id]
            )
            return db.changesCount > 0
        }
    }

    private static func keyRecord(_ row: Row) -> APIKeyRecord {
        let scopes: String = row["scopes"]
        let hash: Data = row["secret_hash"]
        return APIKeyRecord(
            id: row["id"],
            name: row["name"],
            owner: row["owner"],
            scopes: Set(scopes.split(separator: " ").compactMap { APIScope(rawValue: String($0)) }),
            secretHash: Array(hash),
            created: Timestamp(millisecondsSinceEpoch: row["created"]),
            expires: (row["expires"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)),
            revoked: (row["revoked"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }
}
