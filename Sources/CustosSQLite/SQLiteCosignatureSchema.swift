/// The statements of the witness migration (docs/ledger.md, "Witnesses"): the cosignatures witnesses returned for
/// the log's checkpoints, keyed by checkpoint (size and root) and witness.
enum SQLiteCosignatureSchema {
    static let statements: [String] = [
        """
        CREATE TABLE checkpoint_cosignatures(
            size INTEGER NOT NULL,
            root BLOB NOT NULL,
            witness TEXT NOT NULL,
            line TEXT NOT NULL,
            received INTEGER NOT NULL,
            PRIMARY KEY(size, root, witness)
        )
        """,
        "CREATE INDEX checkpoint_cosignatures_witness ON checkpoint_cosignatures(witness, size)",
    ]
}
