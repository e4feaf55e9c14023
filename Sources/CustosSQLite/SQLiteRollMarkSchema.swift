/// The statements of the roll-mark migration (docs/storage.md, "Rolled hours"): how far the five-minute cells have
/// been rolled into the coarser dataset rollups. Below the mark (a five-minute slot number) every five-minute cell is
/// in every coarser level; from it on, in none: ingest writes an event whose slot is at or after the mark to the
/// five-minute level only, and the background roller adds whole hours of those cells to the coarser levels and moves
/// the mark past them, in one transaction. A store from before the migration has every cell in every level, so its
/// mark starts after its newest slot; an empty store's starts at the lowest slot (nothing rolled).
enum SQLiteRollMarkSchema {
    /// The migration's name.
    static let migration = "v13-dataset-roll-mark"

    /// Its statements.
    static let statements: [String] = [
        "CREATE TABLE dataset_roll_mark(id INTEGER PRIMARY KEY CHECK (id = 0), rolled_below INTEGER NOT NULL)",
        """
        INSERT INTO dataset_roll_mark(id, rolled_below)
        VALUES (0, coalesce((SELECT max(slot) + 1 FROM dataset_5min), -9223372036854775808))
        """,
    ]
}
