/// The statements of the upper-tile-interiors migration (docs/ledger.md, Proofs): for every full hash tile above
/// level 0, the 255 node hashes above its 256 hashes (in level order, as for `tile_interiors`), written in the same
/// transaction as the tile. Derived data: every proof reads the sibling hashes of its level-1 (and higher) tile from
/// it instead of hashing the tile, and `verify` recomputes it from the checked tiles. Tiles completed before the
/// migration have no row; their proofs hash the tile as before.
enum SQLiteUpperTileInteriorsSchema {
    /// The migration's name.
    static let migration = "v6-upper-tile-interiors"

    /// Its statements.
    static let statements: [String] = [
        """
        CREATE TABLE upper_tile_interiors(
            level INTEGER NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(level, idx))
        """
    ]
}
