/// A ``MerkleNodeHashSource`` that derives any node hash from stored tiles, for logs that persist only tiles.
///
/// A node at Merkle level *m* lies in the tile at level `m / 8`; its hash is recomputed from the `2^(m mod 8)`
/// tile hashes below it. For a tree of ``treeSize`` leaves the source asks `loadTile` for the full tile where one
/// exists and otherwise for the partial tile of that size, so it only needs the tiles a checkpoint of
/// ``treeSize`` requires. `loadTile` may cache; it returns nil when a tile is missing.
public struct TiledNodeHashSource: MerkleNodeHashSource, Sendable {
    /// The tree size whose tiles are read.
    public let treeSize: UInt64

    private let lookup: @Sendable (TileID, _ levelsUp: Int, _ index: Int) throws -> TreeHash?

    /// Creates a source over the tiles of a tree of `treeSize` leaves, read through `loadTile`.
    public init(treeSize: UInt64, loadTile: @escaping @Sendable (TileID) throws -> HashTile?) {
        self.treeSize = treeSize
        self.lookup = { tileID, levelsUp, index in
            guard let tile = try loadTile(tileID) else { return nil }
            guard tile.id == tileID else {
                throw LedgerError.malformedTile("asked for tile \(tileID), got \(tile.id)")
            }
            return tile.subtreeHash(levelsUp: levelsUp, index: index)
        }
    }

    /// Creates a source over the tiles of a tree of `treeSize` leaves whose subtrees `loadSubtrees` gives, already
    /// computed (for example from a cache): it may answer a tile with a wider version of it (a narrower partial
    /// tile is a prefix of a wider one), never a narrower one.
    public init(treeSize: UInt64, loadSubtrees: @escaping @Sendable (TileID) throws -> TileSubtrees?) {
        self.treeSize = treeSize
        self.lookup = { tileID, levelsUp, index in
            guard let tile = try loadSubtrees(tileID) else { return nil }
            guard tile.level == tileID.level, tile.index == tileID.index, tile.width >= tileID.width else {
                throw LedgerError.malformedTile(
                    "asked for tile \(tileID), got \(tile.level)/\(tile.index) of \(tile.width)"
                )
            }
            return tile.subtreeHash(levelsUp: levelsUp, index: index)
        }
    }

    /// Recomputes the hash of node `id` from its tile; nil if the node is not complete at ``treeSize`` or its tile
    /// is missing.
    public func nodeHash(at id: MerkleNodeID) throws -> TreeHash? {
        // Complete at treeSize iff (index + 1) · 2^level <= treeSize.
        guard id.index < (self.treeSize >> UInt64(id.level)) else { return nil }
        let tileLevel = id.level / TileID.height
        let levelsUp = id.level % TileID.height
        let firstTileNode = id.index << UInt64(levelsUp)  // index of the first tile-level node below `id`
        let tileIndex = firstTileNode / UInt64(TileID.fullWidth)
        let nodesAtTileLevel = self.treeSize >> UInt64(tileLevel * TileID.height)
        let width = Int(min(UInt64(TileID.fullWidth), nodesAtTileLevel - tileIndex * UInt64(TileID.fullWidth)))
        let tileID = try TileID(level: tileLevel, index: tileIndex, width: width)
        let offset = Int(firstTileNode % UInt64(TileID.fullWidth)) >> levelsUp
        return try self.lookup(tileID, levelsUp, offset)
    }
}
