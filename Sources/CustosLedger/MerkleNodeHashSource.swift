/// Something that can look up the hash of a complete subtree of the log: the storage behind proof generation.
///
/// A log persists the nodes that ``MerkleFrontier`` reports while appending (all of them, or only those at tile
/// levels together with a way to recompute the rest, see ``TiledNodeHashSource``). Proof generation and tile
/// building ask the source only for nodes that are complete in the tree size they work on.
public protocol MerkleNodeHashSource {
    /// Returns the hash of the complete subtree `id`, or nil when the source does not have it.
    ///
    /// Returning nil makes the calling operation fail with ``LedgerError/Code/missingNode``. Throw to report a
    /// storage failure; the error propagates unchanged.
    func nodeHash(at id: MerkleNodeID) throws -> TreeHash?
}
