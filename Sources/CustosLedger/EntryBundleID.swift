/// The identity of one entry bundle: index *N* holds entries `N·256 ..< N·256 + width`.
public struct EntryBundleID: Hashable, Sendable, CustomStringConvertible {
    /// The index of the bundle.
    public var index: UInt64

    /// The number of entries, 1...256.
    public var width: Int

    /// Creates a bundle identity.
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` if the width is not in 1...256.
    public init(index: UInt64, width: Int = TileID.fullWidth) throws {
        guard (1...TileID.fullWidth).contains(width) else {
            throw LedgerError.invalidArgument("entry bundle width must be 1...256, got \(width)")
        }
        self.index = index
        self.width = width
    }

    /// Whether the bundle holds fewer than 256 entries.
    public var isPartial: Bool {
        self.width < TileID.fullWidth
    }

    /// The bundle's resource path below the log prefix: `tile/entries/<N>` or `tile/entries/<N>.p/<W>`.
    public var path: String {
        let base = "tile/entries/\(TilePath.encodeIndex(self.index))"
        return self.isPartial ? base + ".p/\(self.width)" : base
    }

    /// The path, for diagnostics.
    public var description: String {
        self.path
    }

    /// Parses `tile/entries/<N>[.p/<W>]`.
    ///
    /// - Throws: ``LedgerError/Code/malformedTilePath`` if it is not exactly a canonical entry bundle path.
    public init(path: some StringProtocol) throws {
        let text = Substring(path)
        guard text.hasPrefix("tile/entries/") else {
            throw LedgerError.malformedTilePath("entry bundle path must start with tile/entries/")
        }
        let (indexText, width) = try TilePath.splitWidth(text.dropFirst("tile/entries/".count))
        try self.init(index: try TilePath.decodeIndex(indexText), width: width)
    }

    /// The level-0 tile that holds the leaf hashes of this bundle's entries.
    public var tileID: TileID {
        try! TileID(level: 0, index: self.index, width: self.width)
    }

    /// The index of the first entry in the bundle.
    public var firstEntryIndex: UInt64 {
        self.index * UInt64(TileID.fullWidth)
    }
}
