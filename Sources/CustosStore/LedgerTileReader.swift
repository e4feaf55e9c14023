/// Synchronous reads of stored hash tiles, for proofs computed without an asynchronous hop: a store that can read a
/// tile in a few microseconds on the calling thread offers one through ``LedgerStore/tileReader``.
public protocol LedgerTileReader: Sendable {
    /// Calls `body` with the stored width and bytes (32 per hash) of hash tile `index` at tile level `level`, without
    /// copying them; nil when no node of that tile is stored. The bytes are valid only during `body`.
    func withHashTile<T>(level: Int, index: UInt64, _ body: (Int, UnsafeRawBufferPointer) throws -> T) throws -> T?
}

extension LedgerStore {
    /// No synchronous tile reads unless the store offers them.
    public var tileReader: (any LedgerTileReader)? { nil }
}
