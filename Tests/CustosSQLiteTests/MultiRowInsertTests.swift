import GRDB
import Testing

@testable import CustosSQLite

@Suite("Multi-row inserts")
struct MultiRowInsertTests {
    @Test(
        "every row is inserted once, in order, whether it falls in a full list or the remainder",
        arguments: [0, 1, 127, 128, 129, 255, 256, 300, 1_000]
    )
    func everyRowOnce(count: Int) throws {
        let queue = try DatabaseQueue()
        let rows = (0..<count).map { i in (a: Int64(i), b: Int64(i) * 7919 % 1_009, c: Int64.max - Int64(i)) }
        let stored = try queue.write { db in
            try db.execute(sql: "CREATE TABLE t(n INTEGER PRIMARY KEY AUTOINCREMENT, a INTEGER, b INTEGER, c INTEGER)")
            let insert = try MultiRowInsert(db, "INSERT INTO t(a, b, c)", columns: 3)
            try insert.insert(count: rows.count) { row, column in
                switch column {
                case 0: rows[row].a
                case 1: rows[row].b
                default: rows[row].c
                }
            }
            return try Row.fetchAll(db, sql: "SELECT a, b, c FROM t ORDER BY n").map {
                (a: $0["a"] as Int64, b: $0["b"] as Int64, c: $0["c"] as Int64)
            }
        }
        #expect(stored.count == count)
        #expect(stored.elementsEqual(rows) { $0 == $1 })
    }

    @Test("an OR IGNORE insert skips rows already there, in full lists and in the remainder")
    func ignoredRows() throws {
        let queue = try DatabaseQueue()
        let keys = try queue.write { db in
            try db.execute(sql: "CREATE TABLE k(key INTEGER, seq INTEGER, PRIMARY KEY(key, seq)) WITHOUT ROWID")
            let insert = try MultiRowInsert(db, "INSERT OR IGNORE INTO k(key, seq)", columns: 2)
            try insert.insert(count: 200) { row, column in column == 0 ? Int64(row % 150) : 1 }
            try insert.insert(count: 130) { row, column in column == 0 ? Int64(row * 2) : 1 }
            return try Int64.fetchAll(db, sql: "SELECT key FROM k ORDER BY key")
        }
        #expect(keys == Array(0..<150).map(Int64.init) + stride(from: 150, to: 260, by: 2).map(Int64.init))
    }
}
