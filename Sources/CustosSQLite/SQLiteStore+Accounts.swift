public import CustosCore
public import CustosStore
import Foundation
import GRDB

extension SQLiteStore: ConsoleAccountStore {
    public func insertAccount(_ account: ConsoleAccount) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO console_accounts(username, password_hash, role, actor, org_units, created,
                        disabled)
                    VALUES (?,?,?,?,?,?,?)
                    """,
                arguments: [
                    account.username, account.passwordHash, account.role.rawValue, account.actor,
                    account.orgUnits.joined(separator: "\n"), account.created.millisecondsSinceEpoch,
                    account.disabled?.millisecondsSinceEpoch,
                ]
            )
            return db.changesCount > 0
        }
    }

    public func account(username: String) async throws -> ConsoleAccount? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM console_accounts WHERE username = ?", arguments: [username])
                .flatMap(Self.account)
        }
    }

    public func allAccounts() async throws -> [ConsoleAccount] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM console_accounts ORDER BY username").compactMap(Self.account)
        }
    }

    public func disableAccount(username: String, at time: Timestamp) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE console_accounts SET disabled = ? WHERE username = ? AND disabled IS NULL",
                arguments: [time.millisecondsSinceEpoch, username]
            )
            return db.changesCount > 0
        }
    }

    private static func account(_ row: Row) -> ConsoleAccount? {
        guard let role = ConsoleRole(rawValue: row["role"]) else { return nil }
        let units: String = row["org_units"]
        return ConsoleAccount(
            username: row["username"],
            passwordHash: row["password_hash"],
            role: role,
            actor: row["actor"],
            orgUnits: units.split(separator: "\n").map(String.init),
            created: Timestamp(millisecondsSinceEpoch: row["created"]),
            disabled: (row["disabled"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }
}
