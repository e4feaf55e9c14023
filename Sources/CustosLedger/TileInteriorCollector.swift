/// Keeps the interior nodes of hash tiles as ``MerkleFrontier`` reports them while appending, so that a log storing
/// each full tile's interior nodes (the 255 hashes above its 256, ``TileSubtrees/interiorBytes``) takes them from
/// the append instead of hashing the tile again.
///
/// The interior nodes of the tile at tile level `t` are the Merkle nodes at levels `8t + 1 … 8t + 8`. Feed every
/// node the frontier reports to ``record(_:)``; when a tile becomes full, ``interiorBytes(tileLevel:index:tile:)``
/// gives its interior nodes, hashing only those not recorded — the nodes whose leaves were all appended before this
/// collector was created (a tile completed across two append batches), from the tile's own hashes.
public struct TileInteriorCollector: Sendable {
    /// The interior nodes recorded so far for the latest tile of one tile level.
    private struct Slots: Sendable {
        var index: UInt64
        var hashes: [TreeHash]
        var present: [Bool]

        init(index: UInt64) {
            self.index = index
            self.hashes = Array(repeating: MerkleTreeHasher.emptyTreeHash, count: TileID.fullWidth - 1)
            self.present = Array(repeating: false, count: TileID.fullWidth - 1)
        }
    }

    /// Per tile level, the tile whose nodes are being recorded (nodes arrive in tree order, one tile at a time).
    private var levels: [Slots?] = []

    /// Creates a collector with nothing recorded.
    public init() {}

    /// Where the node `levelsUp` (1...8) levels above a tile's hashes, at `position` on that level, is in
    /// ``TileSubtrees/interiorBytes`` (in hashes): level 1's 128 nodes first, then level 2's 64, … the root last.
    static func slot(levelsUp: Int, position: Int) -> Int {
        TileID.fullWidth - ((2 * TileID.fullWidth) >> levelsUp) + position
    }

    /// Records `node` if it is an interior node of some tile (every node above level 0).
    public mutating func record(_ node: MerkleNode) {
        let level = node.id.level
        guard level > 0 else { return }
        let tileLevel = (level - 1) / TileID.height
        let levelsUp = level - tileLevel * TileID.height
        let tileIndex = node.id.index >> UInt64(TileID.height - levelsUp)
        let position = Int(node.id.index & ((1 << UInt64(TileID.height - levelsUp)) - 1))
        while levels.count <= tileLevel { levels.append(nil) }
        if levels[tileLevel]?.index != tileIndex { levels[tileLevel] = Slots(index: tileIndex) }
        let slot = Self.slot(levelsUp: levelsUp, position: position)
        levels[tileLevel]!.hashes[slot] = node.hash
        levels[tileLevel]!.present[slot] = true
    }

    /// The 255 interior nodes (8,160 bytes, in ``TileSubtrees/interiorBytes`` order) of full tile `index` at tile
    /// level `tileLevel` whose 256 hashes are `tile`: the recorded ones, and the others hashed from `tile`.
    ///
    /// - Precondition: `tile` holds 256 hashes (8,192 bytes).
    public func interiorBytes(tileLevel: Int, index: UInt64, tile: UnsafeRawBufferPointer) -> [UInt8] {
        let full = TileID.fullWidth
        precondition(tile.count == full * TreeHash.byteCount, "a full tile is 256 hashes")
        var slots = Slots(index: index)
        if tileLevel < levels.count, let recorded = levels[tileLevel], recorded.index == index { slots = recorded }
        func child(_ levelsUp: Int, _ position: Int) -> TreeHash {
            guard levelsUp > 0 else {
                let at = position * TreeHash.byteCount
                return TreeHash(unsafeDigestBytes: UnsafeRawBufferPointer(rebasing: tile[at..<at + TreeHash.byteCount]))
            }
            return slots.hashes[Self.slot(levelsUp: levelsUp, position: position)]
        }
        for levelsUp in 1...TileID.height {
            for position in 0..<(full >> levelsUp) {
                let slot = Self.slot(levelsUp: levelsUp, position: position)
                guard !slots.present[slot] else { continue }
                slots.hashes[slot] = MerkleTreeHasher.nodeHash(
                    left: child(levelsUp - 1, 2 * position),
                    right: child(levelsUp - 1, 2 * position + 1)
                )
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((full - 1) * TreeHash.byteCount)
        for hash in slots.hashes { hash.withUnsafeBytes { bytes.append(contentsOf: $0) } }
        return bytes
    }
}
