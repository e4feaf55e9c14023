public import CustosStore
import Foundation
import GRDBSQLite

/// Synchronous reads of hash tiles on a dedicated read-only SQLite connection with one prepared statement and the
/// database file memory-mapped: a tile row is found and handed over without an asynchronous hop, a GRDB pool
/// checkout or a copy (docs/ledger.md, Proofs). The connection is opened on the first read.
///
/// One connection serves every caller, one read at a time (a read takes microseconds). Each read is its own
/// implicit SQLite read transaction, so it sees the latest committed tiles; a partial tile only ever grows by
/// appending hashes, so tiles read at different moments agree on every node they share.
public final class SQLiteTileReader: LedgerTileReader, @unchecked Sendable {
    // @unchecked: `connection` is only touched with `lock` held.
    private let path: String
    private let lock = NSLock()
    private var connection: TileConnection?

    init(path: String) {
        self.path = path
    }

    public func withHashTile<T>(
        level: Int,
        index: UInt64,
        _ body: (Int, UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        guard index <= UInt64(Int64.max) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        if connection == nil { connection = try TileConnection(path: path) }
        return try connection!.read(level: Int64(level), index: Int64(index), body)
    }

    public func withFullLeafTile<T>(
        index: UInt64,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        try withFullTile(level: 0, index: index, body)
    }

    public func withFullTile<T>(
        level: Int,
        index: UInt64,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        guard index <= UInt64(Int64.max) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        if connection == nil { connection = try TileConnection(path: path) }
        return try connection!.readFullTile(level: Int64(level), index: Int64(index), body)
    }
}

/// The read-only connection and prepared tile query behind ``SQLiteTileReader``.
private final class TileConnection {
    private let db: OpaquePointer
    private let select: OpaquePointer
    private let selectFull: OpaquePointer
    private let selectFullUpper: OpaquePointer

    init(path: String) throws {
        _ = SQLiteLibrary.configured
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            if let handle { sqlite3_close_v2(handle) }
            throw StoreError(.unavailable, "cannot open \(path) to read tiles")
        }
        sqlite3_busy_timeout(handle, 30_000)
        // Map the file (up to SQLite's 2 GiB limit) so that pages are read in place; keep hot B-tree pages cached.
        sqlite3_exec(handle, "PRAGMA mmap_size = 2147418112; PRAGMA cache_size = -16384", nil, nil, nil)
        var statement: OpaquePointer?
        let sql = "SELECT width, data FROM tiles WHERE level = ? AND idx = ?"
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_close_v2(handle)
            throw StoreError(.unavailable, "cannot prepare the tile query: \(message)")
        }
        var full: OpaquePointer?
        let fullSQL = """
            SELECT t.data, i.data FROM tiles t JOIN tile_interiors i ON i.idx = t.idx
            WHERE t.level = 0 AND t.idx = ? AND t.width = 256
            """
        guard sqlite3_prepare_v2(handle, fullSQL, -1, &full, nil) == SQLITE_OK, let full else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_finalize(statement)
            sqlite3_close_v2(handle)
            throw StoreError(.unavailable, "cannot prepare the tile query: \(message)")
        }
        var upper: OpaquePointer?
        let upperSQL = """
            SELECT t.data, i.data FROM tiles t JOIN upper_tile_interiors i ON i.level = t.level AND i.idx = t.idx
            WHERE t.level = ? AND t.idx = ? AND t.width = 256
            """
        guard sqlite3_prepare_v2(handle, upperSQL, -1, &upper, nil) == SQLITE_OK, let upper else {
            let message = String(cString: sqlite3_errmsg(handle))
            sqlite3_finalize(full)
            sqlite3_finalize(statement)
            sqlite3_close_v2(handle)
            throw StoreError(.unavailable, "cannot prepare the tile query: \(message)")
        }
        self.db = handle
        self.select = statement
        self.selectFull = full
        self.selectFullUpper = upper
    }

    deinit {
        sqlite3_finalize(selectFullUpper)
        sqlite3_finalize(selectFull)
        sqlite3_finalize(select)
        sqlite3_close_v2(db)
    }

    func read<T>(level: Int64, index: Int64, _ body: (Int, UnsafeRawBufferPointer) throws -> T) throws -> T? {
        sqlite3_bind_int64(select, 1, level)
        sqlite3_bind_int64(select, 2, index)
        defer { sqlite3_reset(select) }
        let rc = sqlite3_step(select)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else {
            throw StoreError(.unavailable, "tile read failed: \(String(cString: sqlite3_errmsg(db)))")
        }
        let width = Int(sqlite3_column_int64(select, 0))
        let count = Int(sqlite3_column_bytes(select, 1))
        let bytes = sqlite3_column_blob(select, 1)
        return try body(width, UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : count))
    }

    func readFullTile<T>(
        level: Int64,
        index: Int64,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        let statement = level == 0 ? selectFull : selectFullUpper
        if level == 0 {
            sqlite3_bind_int64(statement, 1, index)
        } else {
            sqlite3_bind_int64(statement, 1, level)
            sqlite3_bind_int64(statement, 2, index)
        }
        defer { sqlite3_reset(statement) }
        let rc = sqlite3_step(statement)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else {
            throw StoreError(.unavailable, "tile read failed: \(String(cString: sqlite3_errmsg(db)))")
        }
        let tile = sqlite3_column_blob(statement, 0)
        let tileCount = Int(sqlite3_column_bytes(statement, 0))
        let interior = sqlite3_column_blob(statement, 1)
        let interiorCount = Int(sqlite3_column_bytes(statement, 1))
        return try body(
            UnsafeRawBufferPointer(start: tile, count: tile == nil ? 0 : tileCount),
            UnsafeRawBufferPointer(start: interior, count: interior == nil ? 0 : interiorCount)
        )
    }
}
