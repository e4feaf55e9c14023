/// A ``LedgerStore`` that reads many hash tiles in one go (one read transaction instead of one per tile), for work
/// that needs hundreds of tiles at once, such as the inclusion proofs of a subject report's bundle.
public protocol HashTileBatchReading: LedgerStore {
    /// The stored contents of each of `tiles` that exists, keyed as asked; tiles not stored yet are left out.
    func hashTiles(_ tiles: [HashTileKey]) async throws -> [HashTileKey: StoredTile]
}

/// The address of one stored hash tile: its tile level and its index on that level.
public struct HashTileKey: Sendable, Hashable {
    /// The tile level (0 holds leaf hashes).
    public var level: Int
    /// The tile's index on its level.
    public var index: UInt64

    /// Creates a tile address.
    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }
}
