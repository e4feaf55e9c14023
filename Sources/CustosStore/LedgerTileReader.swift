/// Synchronous reads of stored hash tiles, for proofs computed without an asynchronous hop: a store that can read a
/// tile in a few microseconds on the calling thread offers one through ``LedgerStore/tileReader``.
public protocol LedgerTileReader: Sendable {
    /// Calls `body` with the stored width and bytes (32 per hash) of hash tile `index` at tile level `level`, without
    /// copying them; nil when no node of that tile is stored. The bytes are valid only during `body`.
    func withHashTile<T>(level: Int, index: UInt64, _ body: (Int, UnsafeRawBufferPointer) throws -> T) throws -> T?

    /// Calls `body` with the bytes of full level-0 tile `index` and the stored node hashes above its leaves (255
    /// hashes, level by level), without copying them; nil when the tile is not full or no such nodes are stored.
    func withFullLeafTile<T>(
        index: UInt64,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> T
    ) throws -> T?

    /// Calls `body` with the bytes of full tile `index` at tile level `level` and the stored node hashes above its
    /// 256 hashes (255 hashes, level by level), without copying them; nil when the tile is not full or no such nodes
    /// are stored.
    func withFullTile<T>(
        level: Int,
        index: UInt64,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> T
    ) throws -> T?
}

extension LedgerTileReader {
    /// No stored interior nodes unless the reader offers them: proofs hash the tile.
    public func withFullLeafTile<T>(
        index: UInt64,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> T
    ) throws -> T? { nil }

    /// The stored interior nodes of full level-0 tiles only (``withFullLeafTile(index:_:)``) unless the reader
    /// offers those of higher tiles.
    public func withFullTile<T>(
        level: Int,
        index: UInt64,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        level == 0 ? try withFullLeafTile(index: index, body) : nil
    }
}

extension LedgerStore {
    /// No synchronous tile reads unless the store offers them.
    public var tileReader: (any LedgerTileReader)? { nil }
}
