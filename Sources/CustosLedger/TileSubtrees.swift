/// Every complete subtree hash inside one hash tile: the tile's own hashes and the interior nodes above them up to
/// the tile's root (C2SP tlog-tiles, 8 Merkle levels per tile), computed once so that proofs read nodes instead of
/// rehashing the tile.
///
/// Built from a full or partial tile; a node is present when its whole subtree lies within ``width``. A narrower
/// partial tile is a prefix of a wider one, so the subtrees of a wide tile answer for every narrower width too.
public struct TileSubtrees: Sendable {
    /// The tile level (0 holds leaf hashes).
    public let level: Int
    /// The index of the tile on its level.
    public let index: UInt64
    /// The number of tile hashes the subtrees were computed from (1...256).
    public let width: Int
    /// Level `k` (0...8) above the tile's hashes starts at ``offset(width:levelsUp:)`` in `nodes` and holds
    /// `width >> k` hashes.
    private let nodes: [TreeHash]

    /// Computes the subtrees of a tile from its `width` concatenated 32-byte hashes: `width - popcount(width)`
    /// node hashes.
    ///
    /// - Throws: ``LedgerError/Code/malformedTile`` unless `width` is 1...256 and `bytes` holds at least
    ///   `32 · width` bytes (any bytes beyond are ignored).
    public init(level: Int, index: UInt64, width: Int, bytes: UnsafeRawBufferPointer) throws {
        guard (1...TileID.fullWidth).contains(width), bytes.count >= width * TreeHash.byteCount else {
            throw LedgerError.malformedTile("tile \(level)/\(index) needs \(width) hashes, got \(bytes.count) bytes")
        }
        let total = Self.offset(width: width, levelsUp: TileID.height + 1)
        self.nodes = [TreeHash](unsafeUninitializedCapacity: total) { buffer, initialized in
            let base = buffer.baseAddress!
            UnsafeMutableRawPointer(base).copyMemory(from: bytes.baseAddress!, byteCount: width * TreeHash.byteCount)
            var below = 0
            for k in 1...TileID.height {
                let at = below + (width >> (k - 1))
                for i in 0..<(width >> k) {
                    (base + at + i).initialize(
                        to: MerkleTreeHasher.nodeHash(left: base[below + 2 * i], right: base[below + 2 * i + 1])
                    )
                }
                below = at
            }
            initialized = total
        }
        self.level = level
        self.index = index
        self.width = width
    }

    /// The node hashes above a full tile's 256 hashes, level by level (128 + 64 + … + 1 = 255 hashes, 8,160
    /// bytes): what ``init(level:index:fullTile:interior:)`` takes back without hashing; nil for a partial tile.
    public var interiorBytes: [UInt8]? {
        guard width == TileID.fullWidth else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((nodes.count - width) * TreeHash.byteCount)
        for node in nodes[width...] { node.withUnsafeBytes { bytes.append(contentsOf: $0) } }
        return bytes
    }

    /// The subtrees of a full tile from its 256 hashes and its stored ``interiorBytes``, with no hashing: two copies.
    ///
    /// - Throws: ``LedgerError/Code/malformedTile`` unless `bytes` holds 256 hashes and `interior` 255.
    public init(
        level: Int,
        index: UInt64,
        fullTile bytes: UnsafeRawBufferPointer,
        interior: UnsafeRawBufferPointer
    )
        throws
    {
        let width = TileID.fullWidth
        guard bytes.count >= width * TreeHash.byteCount, interior.count == (width - 1) * TreeHash.byteCount else {
            throw LedgerError.malformedTile("tile \(level)/\(index) needs 256 hashes and 255 interior nodes")
        }
        self.nodes = [TreeHash](unsafeUninitializedCapacity: 2 * width - 1) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            base.copyMemory(from: bytes.baseAddress!, byteCount: width * TreeHash.byteCount)
            (base + width * TreeHash.byteCount).copyMemory(from: interior.baseAddress!, byteCount: interior.count)
            initialized = 2 * width - 1
        }
        self.level = level
        self.index = index
        self.width = width
    }

    /// Computes the subtrees of `tile`.
    public init(_ tile: HashTile) {
        let bytes = tile.bytes
        // A HashTile always holds exactly `width` hashes, so this cannot throw.
        self = bytes.withUnsafeBytes {
            try! TileSubtrees(level: tile.id.level, index: tile.id.index, width: tile.id.width, bytes: $0)
        }
    }

    /// Where level `levelsUp` starts in `nodes` for a tile of `width` hashes (level `k` holds `width >> k`); for
    /// `levelsUp` 9, the number of nodes.
    private static func offset(width: Int, levelsUp: Int) -> Int {
        var offset = 0
        for k in 0..<levelsUp { offset += width >> k }
        return offset
    }

    /// The hash of the node `levelsUp` levels (0...8) above the tile's hashes at `index` on that level, relative to
    /// the tile; nil when that subtree is not complete within ``width``.
    public func subtreeHash(levelsUp: Int, index: Int) -> TreeHash? {
        guard (0...TileID.height).contains(levelsUp), index >= 0, index < self.width >> levelsUp else { return nil }
        return self.nodes[Self.offset(width: self.width, levelsUp: levelsUp) + index]
    }
}
