public import CustosStore
import Foundation
import GRDB

extension SQLiteStore: ConsoleSessionStore {
    public func insertConsoleSession(_ session: StoredConsoleSession) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO console_sessions(key, username, label, created, last_seen) VALUES (?,?,?,?,?)",
                arguments: [
                    session.key, session.username, session.label, session.createdMilliseconds,
                    session.lastSeenMilliseconds,
                ]
            )
        }
    }

    public func consoleSession(key: String) async throws -> StoredConsoleSession? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT key, username, label, created, last_seen FROM console_sessions WHERE key = ?",
                arguments: [key]
            ).map { row in
                StoredConsoleSession(
                    key: row[0],
                    username: row[1],
                    label: row[2],
                    createdMilliseconds: row[3],
                    lastSeenMilliseconds: row[4]
                )
            }
        }
    }

    public func touchConsoleSession(key: String, lastSeenMilliseconds: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE console_sessions SET last_seen = max(last_seen, ?) WHERE key = ?",
                arguments: [lastSeenMilliseconds, key]
            )
        }
    }

    public func deleteConsoleSession(key: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE key = ?", arguments: [key])
        }
    }

    public func deleteConsoleSessions(username: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE username = ?", arguments: [username])
        }
    }

    public func deleteExpiredConsoleSessions(idleBefore: Int64, createdBefore: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM console_sessions WHERE last_seen < ? OR created < ?",
                arguments: [idleBefore, createdBefore]
            )
            return db.changesCount
        }
    }
}
