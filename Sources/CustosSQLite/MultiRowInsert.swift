import GRDB

/// An insert of many rows through few statements: `rowsPerStatement` rows per `VALUES` list, the rest one at a time.
/// SQLite inserts the rows of one statement through cursors that stay open, so sorted rows appended to a B-tree cost
/// no descent from its root each, and the statement's own cost (step, reset, cursors) is paid once per list rather
/// than per row — the events of an ingest transaction, the index file's chunks and its client ids are written this
/// way.
struct MultiRowInsert {
    /// How many rows one full statement inserts.
    let rowsPerStatement: Int

    private let list: RawStatement
    private let single: RawStatement
    private let columns: Int32

    /// Prepares `insert` (`INSERT [OR …] INTO table(columns…)`, without `VALUES`) for rows of `columns` values.
    init(_ db: Database, _ insert: String, columns: Int, rowsPerStatement: Int = 128) throws {
        precondition(columns >= 1 && rowsPerStatement >= 1)
        let row = "(" + repeatElement("?", count: columns).joined(separator: ",") + ")"
        self.list = try RawStatement(
            db,
            "\(insert) VALUES " + repeatElement(row, count: rowsPerStatement).joined(separator: ",")
        )
        self.single = try RawStatement(db, "\(insert) VALUES \(row)")
        self.columns = Int32(columns)
        self.rowsPerStatement = rowsPerStatement
    }

    /// Inserts rows `0 ..< count`, in order: `bind(row, statement, first)` binds row `row`'s values to parameters
    /// `first`, `first + 1`, … of `statement`.
    func insert(count: Int, bind: (_ row: Int, _ statement: RawStatement, _ first: Int32) -> Void) throws {
        var row = 0
        while count - row >= rowsPerStatement {
            var first: Int32 = 1
            for r in row..<row + rowsPerStatement {
                bind(r, list, first)
                first += columns
            }
            try list.run()
            row += rowsPerStatement
        }
        while row < count {
            bind(row, single, 1)
            try single.run()
            row += 1
        }
    }

    /// Inserts rows of integers: `value(row, column)` gives each value.
    func insert(count: Int, value: (_ row: Int, _ column: Int) -> Int64) throws {
        let columns = Int(self.columns)
        try insert(count: count) { row, statement, first in
            for c in 0..<columns { statement.bind(first + Int32(c), value(row, c)) }
        }
    }
}
