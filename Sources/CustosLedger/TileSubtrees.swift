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
    /// Level `k` (0...8) above the tile's hashes starts at `offsets[k]` in `nodes` and holds `width >> k` hashes.
    private let offsets: [Int]
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
        let (offsets, total) = Self.layout(width: width)
        var nodes: [TreeHash] = []
        nodes.reserveCapacity(total)
        Self.appendHashes(bytes, count: width, to: &nodes)
        for k in 1...TileID.height {
            let below = offsets[k - 1]
            for i in 0..<(width >> k) {
                nodes.append(MerkleTreeHasher.nodeHash(left: nodes[below + 2 * i], right: nodes[below + 2 * i + 1]))
            }
        }
        self.level = level
        self.index = index
        self.width = width
        self.offsets = offsets
        self.nodes = nodes
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

    /// The subtrees of a full tile from its 256 hashes and its stored ``interiorBytes``, with no hashing.
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
        let (offsets, total) = Self.layout(width: width)
        var nodes: [TreeHash] = []
        nodes.reserveCapacity(total)
        Self.appendHashes(bytes, count: width, to: &nodes)
        Self.appendHashes(interior, count: width - 1, to: &nodes)
        self.level = level
        self.index = index
        self.width = width
        self.offsets = offsets
        self.nodes = nodes
    }

    /// Computes the subtrees of `tile`.
    public init(_ tile: HashTile) {
        let bytes = tile.bytes
        // A HashTile always holds exactly `width` hashes, so this cannot throw.
        self = bytes.withUnsafeBytes {
            try! TileSubtrees(level: tile.id.level, index: tile.id.index, width: tile.id.width, bytes: $0)
        }
    }

    /// Where each level starts in `nodes` for a tile of `width` hashes (level `k` holds `width >> k`), and the total.
    private static func layout(width: Int) -> (offsets: [Int], total: Int) {
        var offsets: [Int] = []
        offsets.reserveCapacity(TileID.height + 1)
        var total = 0
        for k in 0...TileID.height {
            offsets.append(total)
            total += width >> k
        }
        return (offsets, total)
    }

    /// Appends the first `count` 32-byte hashes of `bytes` to `nodes`.
    private static func appendHashes(_ bytes: UnsafeRawBufferPointer, count: Int, to nodes: inout [TreeHash]) {
        for i in 0..<count {
            nodes.append(TreeHash(unsafeDigestBytes: UnsafeRawBufferPointer(rebasing: bytes[i * 32..<(i + 1) * 32])))
        }
    }

    /// The hash of the node `levelsUp` levels (0...8) above the tile's hashes at `index` on that level, relative to
    /// the tile; nil when that subtree is not complete within ``width``.
    public func subtreeHash(levelsUp: Int, index: Int) -> TreeHash? {
        guard (0...TileID.height).contains(levelsUp), index >= 0, index < self.width >> levelsUp else { return nil }
        return self.nodes[self.offsets[levelsUp] + index]
    }
}
