/// A tile's place, whatever its width: (level, index).
public struct TileKey: Hashable, Sendable {
    /// The tile level.
    public var level: Int
    /// The index on that level.
    public var index: UInt64

    /// Creates the key of the tile at `level`, `index`.
    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }

    /// The key of tile `id`.
    public init(_ id: TileID) {
        self.init(level: id.level, index: id.index)
    }
}
