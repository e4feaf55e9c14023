import Foundation
import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API, for the ingest hot path where GRDB's argument boxing costs
/// more than the insert itself.
struct RawStatement {
    let statement: Statement
    let db: Database

    init(_ db: Database, _ sql: String) throws {
        self.db = db
        self.statement = try db.cachedStatement(sql: sql)
    }

    private var handle: OpaquePointer { statement.sqliteStatement }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String) {
        var v = value
        v.withUTF8 { p in
            _ = sqlite3_bind_text(handle, index, p.baseAddress, Int32(p.count), rawTransient)
        }
    }

    func bindBlob(_ index: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { p in
            _ = sqlite3_bind_blob(handle, index, p.baseAddress, Int32(p.count), rawTransient)
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws {
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE else { throw error(rc) }
    }

    /// Runs a query and calls `row` for each result row.
    func query(_ row: (OpaquePointer) throws -> Void) throws {
        defer { sqlite3_reset(handle) }
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw error(rc) }
            try row(handle)
        }
    }

    private func error(_ rc: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: rc),
            message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
            sql: statement.sql
        )
    }
}

/// SQLite's SQLITE_TRANSIENT: copy the bound bytes.
let rawTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Reads column `i` of the current row as bytes.
func columnBytes(_ handle: OpaquePointer, _ i: Int32) -> Data {
    let count = Int(sqlite3_column_bytes(handle, i))
    guard count > 0, let p = sqlite3_column_blob(handle, i) else { return Data() }
    return Data(bytes: p, count: count)
}
