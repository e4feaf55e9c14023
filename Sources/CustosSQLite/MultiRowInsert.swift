import GRDB

/// An insert of many rows of integers through few statements: `rowsPerStatement` rows per `VALUES` list, the rest one
/// at a time. SQLite inserts the rows of one statement through cursors that stay open, so sorted rows appended to a
/// B-tree cost no descent from its root each, and the statement's own cost (step, reset, cursors) is paid once per
/// list rather than per row — the index file's chunks and client ids are written this way.
struct MultiRowInsert {
    /// How many rows one full statement inserts.
    static let rowsPerStatement = 128

    private let list: RawStatement
    private let single: RawStatement
    private let columns: Int

    /// Prepares `insert` (`INSERT [OR …] INTO table(columns…)`, without `VALUES`) for rows of `columns` integers.
    init(_ db: Database, _ insert: String, columns: Int) throws {
        precondition(columns >= 1)
        let row = "(" + repeatElement("?", count: columns).joined(separator: ",") + ")"
        self.list = try RawStatement(
            db,
            "\(insert) VALUES " + repeatElement(row, count: Self.rowsPerStatement).joined(separator: ",")
        )
        self.single = try RawStatement(db, "\(insert) VALUES \(row)")
        self.columns = columns
    }

    /// Inserts rows `0 ..< count`, in order; `value(row, column)` gives each value.
    func insert(count: Int, value: (_ row: Int, _ column: Int) -> Int64) throws {
        var row = 0
        while count - row >= Self.rowsPerStatement {
            var parameter: Int32 = 1
            for r in row..<row + Self.rowsPerStatement {
                for c in 0..<columns {
                    list.bind(parameter, value(r, c))
                    parameter += 1
                }
            }
            try list.run()
            row += Self.rowsPerStatement
        }
        while row < count {
            for c in 0..<columns { single.bind(Int32(c + 1), value(row, c)) }
            try single.run()
            row += 1
        }
    }
}
