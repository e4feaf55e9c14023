/// The contents of one Merkle tree tile: the concatenated 32-byte hashes of its nodes (C2SP tlog-tiles).
public struct HashTile: Hashable, Sendable {
    /// Which tile this is.
    public var id: TileID

    /// The node hashes, left to right; exactly `id.width` of them.
    public var hashes: [TreeHash]

    /// Creates a tile from its identity and hashes.
    ///
    /// - Throws: ``LedgerError/Code/malformedTile`` if the number of hashes is not `id.width`.
    public init(id: TileID, hashes: [TreeHash]) throws {
        guard hashes.count == id.width else {
            throw LedgerError.malformedTile("tile \(id) needs \(id.width) hashes, got \(hashes.count)")
        }
        self.id = id
        self.hashes = hashes
    }

    /// Decodes tile contents as served at `id.path`.
    ///
    /// - Throws: ``LedgerError/Code/malformedTile`` unless `bytes` is exactly `32 · id.width` bytes.
    public init(id: TileID, bytes: some Collection<UInt8>) throws {
        let bytes = Array(bytes)
        guard bytes.count == id.width * TreeHash.byteCount else {
            throw LedgerError.malformedTile(
                "tile \(id) must be \(id.width * TreeHash.byteCount) bytes, got \(bytes.count)"
            )
        }
        var hashes: [TreeHash] = []
        hashes.reserveCapacity(id.width)
        for offset in stride(from: 0, to: bytes.count, by: TreeHash.byteCount) {
            hashes.append(try TreeHash(bytes: bytes[offset..<offset + TreeHash.byteCount]))
        }
        try self.init(id: id, hashes: hashes)
    }

    /// The tile contents to serve: the hashes concatenated, `32 · width` bytes.
    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(self.hashes.count * TreeHash.byteCount)
        for hash in self.hashes {
            hash.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Builds tile `id` of the tree of `treeSize` leaves from node hashes in `source`.
    ///
    /// Works for full and partial tiles, including partial tiles of older tree sizes (a partial tile is a prefix of
    /// the later full tile).
    ///
    /// - Throws: ``LedgerError/Code/malformedTile`` if the tile is not complete in a tree of `treeSize` leaves;
    ///   ``LedgerError/Code/missingNode`` if `source` lacks a node.
    public static func build(
        _ id: TileID,
        treeSize: UInt64,
        from source: some MerkleNodeHashSource
    ) throws -> HashTile {
        guard id.isComplete(inTreeSize: treeSize) else {
            throw LedgerError.malformedTile("tile \(id) is not complete in a tree of \(treeSize) leaves")
        }
        return try HashTile(id: id, hashes: id.nodeIDs.map { try source.requiredNodeHash(at: $0) })
    }

    /// The hash of the Merkle node `levelsUp` levels above the tile's own nodes (0...8) at `index` on that level,
    /// relative to the tile, computed from the tile's hashes.
    ///
    /// Returns nil when that node is not complete within the tile's width.
    public func subtreeHash(levelsUp: Int, index: Int) -> TreeHash? {
        guard (0...TileID.height).contains(levelsUp), index >= 0 else { return nil }
        let begin = index << levelsUp
        let end = (index + 1) << levelsUp
        guard end <= self.hashes.count else { return nil }
        var level = Array(self.hashes[begin..<end])
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map {
                MerkleTreeHasher.nodeHash(left: level[$0], right: level[$0 + 1])
            }
        }
        return level[0]
    }
}
