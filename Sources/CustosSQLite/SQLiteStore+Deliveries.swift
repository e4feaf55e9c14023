import CustosCore
public import CustosStore
import Foundation
import GRDB

extension SQLiteStore: DeliveryOutbox {
    public func enqueue(_ deliveries: [WebhookDelivery]) async throws {
        guard !deliveries.isEmpty else { return }
        try await write { db in
            for d in deliveries {
                try db.execute(
                    sql: """
                        INSERT INTO webhook_deliveries(id, endpoint, kind, body, created, status, attempts,
                            next_attempt, last_attempt, last_status, last_error, delivered)
                        VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
                        """,
                    arguments: [
                        d.id, d.endpoint, d.kind, Data(d.body), d.created.millisecondsSinceEpoch, d.status.rawValue,
                        d.attempts, d.nextAttempt.millisecondsSinceEpoch, d.lastAttempt?.millisecondsSinceEpoch,
                        d.lastStatus, d.lastError, d.delivered?.millisecondsSinceEpoch,
                    ]
                )
            }
        }
    }

    public func update(_ d: WebhookDelivery) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt = ?, last_attempt = ?,
                        last_status = ?, last_error = ?, delivered = ?
                    WHERE id = ?
                    """,
                arguments: [
                    d.status.rawValue, d.attempts, d.nextAttempt.millisecondsSinceEpoch,
                    d.lastAttempt?.millisecondsSinceEpoch, d.lastStatus, d.lastError,
                    d.delivered?.millisecondsSinceEpoch, d.id,
                ]
            )
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no webhook delivery \(d.id)") }
        }
    }

    public func delivery(id: String) async throws -> WebhookDelivery? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM webhook_deliveries WHERE id = ?", arguments: [id])
                .map(Self.deliveryRecord)
        }
    }

    public func pendingDeliveries(limit: Int) async throws -> [WebhookDelivery] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM webhook_deliveries WHERE status = 'pending' ORDER BY next_attempt, n LIMIT ?",
                arguments: [max(0, limit)]
            ).map(Self.deliveryRecord)
        }
    }

    public func deliveries(
        status: WebhookDelivery.Status?,
        cursor: Int64?,
        limit: Int
    ) async throws
        -> (deliveries: [WebhookDelivery], nextCursor: Int64?)
    {
        let limit = max(1, limit)
        return try await read { db in
            var conditions = ["1"]
            var arguments: StatementArguments = []
            if let status {
                conditions.append("status = ?")
                _ = arguments.append(contentsOf: [status.rawValue])
            }
            if let cursor {
                conditions.append("n < ?")
                _ = arguments.append(contentsOf: [cursor])
            }
            _ = arguments.append(contentsOf: [limit + 1])
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM webhook_deliveries WHERE \(conditions.joined(separator: " AND "))
                    ORDER BY n DESC LIMIT ?
                    """,
                arguments: arguments
            )
            let page = rows.prefix(limit)
            let next: Int64? = rows.count > limit ? page.last?["n"] : nil
            return (page.map(Self.deliveryRecord), next)
        }
    }

    private func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "write failed: \(error)")
        }
    }

    private static func deliveryRecord(_ row: Row) -> WebhookDelivery {
        let body: Data = row["body"]
        return WebhookDelivery(
            id: row["id"],
            endpoint: row["endpoint"],
            kind: row["kind"],
            body: Array(body),
            created: Timestamp(millisecondsSinceEpoch: row["created"]),
            status: WebhookDelivery.Status(rawValue: row["status"]) ?? .dead,
            attempts: row["attempts"],
            nextAttempt: Timestamp(millisecondsSinceEpoch: row["next_attempt"]),
            lastAttempt: (row["last_attempt"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)),
            lastStatus: row["last_status"],
            lastError: row["last_error"],
            delivered: (row["delivered"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }
}
