import GRDB

extension SQLiteStore {
    /// Runs `updates` in one write transaction that locks the store's own file and leaves the attached index file
    /// (``SQLitePostingsSchema``) to the posting indexer.
    ///
    /// `BEGIN IMMEDIATE` (GRDB's default for writes) takes the write lock of every attached database, so ingest
    /// commits and the indexer's transactions on the index file would wait for each other — and SQLite's busy handler
    /// waits in sleeps of up to 100 ms. Here the transaction is deferred and its first statement is a write that
    /// changes nothing, which takes the store file's write lock (waiting for another process as `IMMEDIATE` would)
    /// before anything is read; the index file is only read, from one snapshot taken at its first read.
    static func inStoreTransaction<T>(_ db: Database, _ updates: () throws -> T) throws -> T {
        var result: T?
        try db.inTransaction(.deferred) {
            try db.execute(sql: "DELETE FROM main.events WHERE 0")
            result = try updates()
            return .commit
        }
        guard let result else { throw StoreTransactionError.noResult }
        return result
    }
}

/// The transaction committed without its body having returned (cannot happen: GRDB runs the body exactly once).
private enum StoreTransactionError: Error {
    case noResult
}
