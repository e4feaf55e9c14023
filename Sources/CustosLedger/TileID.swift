/// The identity of one Merkle tree tile in C2SP tlog-tiles: its level, its index on that level and its width.
///
/// Tile *N* at level *L* holds the Merkle nodes at Merkle level `8·L` with indices `N·256 ..< N·256 + width`,
/// i.e. the roots of consecutive subtrees of `256^L` leaves. A full tile is 256 hashes (8,192 bytes) wide; the
/// rightmost tile of a level is usually partial (1...255 hashes).
public struct TileID: Hashable, Sendable, CustomStringConvertible {
    /// The number of hashes in a full tile.
    public static let fullWidth = 256

    /// The number of Merkle levels one tile level spans.
    public static let height = 8

    /// The tile level, 0...63. Level 0 tiles hold leaf hashes.
    public var level: Int

    /// The index of the tile on its level.
    public var index: UInt64

    /// The number of hashes in the tile, 1...256.
    public var width: Int

    /// Creates a tile identity.
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` if the level is not in 0...63 or the width not in 1...256.
    public init(level: Int, index: UInt64, width: Int = TileID.fullWidth) throws {
        guard (0...63).contains(level), (1...Self.fullWidth).contains(width) else {
            throw LedgerError.invalidArgument("tile level must be 0...63 and width 1...256, got \(level) and \(width)")
        }
        self.level = level
        self.index = index
        self.width = width
    }

    /// Whether the tile holds fewer than 256 hashes.
    public var isPartial: Bool {
        self.width < Self.fullWidth
    }

    /// The tile's resource path below the log prefix: `tile/<L>/<N>` or `tile/<L>/<N>.p/<W>`.
    public var path: String {
        let base = "tile/\(self.level)/\(TilePath.encodeIndex(self.index))"
        return self.isPartial ? base + ".p/\(self.width)" : base
    }

    /// The path, for diagnostics.
    public var description: String {
        self.path
    }

    /// Parses a tile path `tile/<L>/<N>[.p/<W>]` (without a prefix).
    ///
    /// - Throws: ``LedgerError/Code/malformedTilePath`` if it is not exactly a canonical tile path.
    public init(path: some StringProtocol) throws {
        let text = Substring(path)
        guard text.hasPrefix("tile/") else {
            throw LedgerError.malformedTilePath("tile path must start with tile/")
        }
        let rest = text.dropFirst("tile/".count)
        guard let slash = rest.firstIndex(of: "/") else {
            throw LedgerError.malformedTilePath("tile path has no index")
        }
        let levelText = rest[..<slash]
        guard let level = Int(levelText), (0...63).contains(level), String(level) == levelText else {
            throw LedgerError.malformedTilePath("tile level \"\(levelText)\" must be 0...63 without leading zeroes")
        }
        let (indexText, width) = try TilePath.splitWidth(rest[rest.index(after: slash)...])
        try self.init(level: level, index: try TilePath.decodeIndex(indexText), width: width)
    }

    /// The Merkle nodes whose hashes the tile holds, left to right.
    ///
    /// - Precondition: `level <= 7`; tiles at higher levels lie beyond any tree whose size fits in `UInt64`.
    public var nodeIDs: [MerkleNodeID] {
        precondition(self.level * Self.height < 64, "tile level \(self.level) holds no node of a UInt64-sized tree")
        let first = self.index &* UInt64(Self.fullWidth)
        return (0..<UInt64(self.width)).map {
            MerkleNodeID(level: self.level * Self.height, index: first &+ $0)
        }
    }

    /// Whether every node of the tile is complete in a tree of `treeSize` leaves, so that the tile can be built
    /// and served for that size.
    public func isComplete(inTreeSize treeSize: UInt64) -> Bool {
        let shift = self.level * Self.height
        guard shift < 64 else { return false }
        let nodesAtLevel = treeSize >> UInt64(shift)
        let (first, overflow) = self.index.multipliedReportingOverflow(by: UInt64(Self.fullWidth))
        return !overflow && first <= nodesAtLevel && UInt64(self.width) <= nodesAtLevel - first
    }
}
