/// The statements of the tile-interiors migration (docs/ledger.md, Proofs): for every full level-0 hash tile, the
/// 255 node hashes above its 256 leaf hashes (levels 1 to 8 of the tree, in level order), written in the same
/// transaction as the tile. Derived data: proofs read a leaf's sibling hashes from it instead of hashing the tile,
/// and `verify` compares it with the nodes it rebuilds. Tiles completed before the migration have no row; their
/// proofs hash the tile as before.
enum SQLiteTileInteriorsSchema {
    /// The migration's name.
    static let migration = "v5-tile-interiors"

    /// Its statements.
    static let statements: [String] = [
        "CREATE TABLE tile_interiors(idx INTEGER PRIMARY KEY, data BLOB NOT NULL)"
    ]
}
