import CCustosSQLiteConfig

/// SQLite's process-wide options, set once before the store's first connection opens (``CCustosSQLiteConfig``'s
/// header names them and why): every place in this module that opens a connection reads ``configured`` first.
enum SQLiteLibrary {
    /// 0 when the options were set; SQLite's error code when it had already initialized (something else in the
    /// process opened a connection first), in which case they stay at SQLite's defaults — slower, not wrong.
    static let configured: Int32 = custos_sqlite_configure()
}
