/// How the tiles of one level look for a given tree size.
public struct TileLevelInventory: Hashable, Sendable {
    /// The tile level.
    public var level: Int

    /// The number of full (256-wide) tiles at this level, indices `0 ..< fullTileCount`.
    public var fullTileCount: UInt64

    /// The width of the partial tile with index ``fullTileCount``, or 0 when there is none.
    public var partialWidth: Int
}
