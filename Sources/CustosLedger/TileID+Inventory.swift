extension TileID {
    /// Which tiles a tree of `treeSize` leaves consists of, level by level (C2SP tlog-tiles "Partial Tiles"): at
    /// level *l* there are `floor(s / 256^(l+1))` full tiles and a partial tile of width `floor(s / 256^l) mod 256`
    /// when that is not 0. Levels without any tile are omitted; the empty tree has none.
    public static func inventory(forTreeSize treeSize: UInt64) -> [TileLevelInventory] {
        var levels: [TileLevelInventory] = []
        var nodes = treeSize  // number of complete nodes at Merkle level 8·l
        var level = 0
        while nodes > 0 {
            levels.append(
                TileLevelInventory(
                    level: level,
                    fullTileCount: nodes / UInt64(Self.fullWidth),
                    partialWidth: Int(nodes % UInt64(Self.fullWidth))
                )
            )
            nodes /= UInt64(Self.fullWidth)
            level += 1
        }
        return levels
    }

    /// The partial tiles a checkpoint of `treeSize` requires a log to serve, lowest level first.
    public static func partialTiles(forTreeSize treeSize: UInt64) -> [TileID] {
        self.inventory(forTreeSize: treeSize).compactMap { level in
            level.partialWidth == 0
                ? nil : try? TileID(level: level.level, index: level.fullTileCount, width: level.partialWidth)
        }
    }

    /// The tiles whose contents are new or grew when the tree grows from `oldSize` to `newSize` leaves: exactly the
    /// tiles a log must write (full tiles, and partial tiles of the new size) before publishing a checkpoint of
    /// `newSize`, lowest level first. Empty when `newSize <= oldSize`.
    public static func tilesChanged(from oldSize: UInt64, to newSize: UInt64) -> [TileID] {
        guard newSize > oldSize else { return [] }
        var tiles: [TileID] = []
        var level = 0
        var oldNodes = oldSize
        var newNodes = newSize
        let width = UInt64(Self.fullWidth)
        while newNodes > oldNodes {
            for index in (oldNodes / width)...((newNodes - 1) / width) {
                let tileWidth = Int(min(width, newNodes - index * width))
                tiles.append(try! TileID(level: level, index: index, width: tileWidth))
            }
            oldNodes /= width
            newNodes /= width
            level += 1
        }
        return tiles
    }
}
