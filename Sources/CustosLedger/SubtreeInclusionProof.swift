/// An inclusion proof of a leaf in a ``MerkleSubtree``: the audit path from the leaf to the subtree's hash.
///
/// It is the RFC 9162 inclusion proof of leaf `leafIndex - start` in the tree of the subtree's leaves.
public struct SubtreeInclusionProof: Hashable, Sendable {
    /// The 0-based index of the leaf in the whole log.
    public var leafIndex: UInt64

    /// The subtree the proof is relative to.
    public var subtree: MerkleSubtree

    /// The audit path, from the bottom of the subtree to its top.
    public var hashes: [TreeHash]

    /// Creates a proof from its parts.
    public init(leafIndex: UInt64, subtree: MerkleSubtree, hashes: [TreeHash]) {
        self.leafIndex = leafIndex
        self.subtree = subtree
        self.hashes = hashes
    }

    /// Generates the proof that leaf `leafIndex` is in `subtree`, reading complete nodes from `source`.
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` unless `start <= leafIndex < end`;
    ///   ``LedgerError/Code/missingNode`` if `source` lacks a node.
    public static func generate(
        leafIndex: UInt64,
        subtree: MerkleSubtree,
        from source: some MerkleNodeHashSource
    ) throws -> SubtreeInclusionProof {
        guard leafIndex >= subtree.start, leafIndex < subtree.end else {
            throw LedgerError.invalidArgument("leaf \(leafIndex) is outside subtree \(subtree)")
        }
        let shifted = ShiftedNodeHashSource(base: source, leafOffset: subtree.start)
        let proof = try InclusionProof.generate(
            leafIndex: leafIndex - subtree.start,
            treeSize: subtree.count,
            from: shifted
        )
        return SubtreeInclusionProof(leafIndex: leafIndex, subtree: subtree, hashes: proof.hashes)
    }

    /// Verifies that the leaf with hash `leafHash` is at ``leafIndex`` in ``subtree``, whose hash is `subtreeRoot`.
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` if the leaf is outside the subtree;
    ///   ``LedgerError/Code/invalidProof`` or ``LedgerError/Code/rootMismatch`` if the proof fails.
    public func verify(leafHash: TreeHash, subtreeRoot: TreeHash) throws {
        guard self.leafIndex >= self.subtree.start, self.leafIndex < self.subtree.end else {
            throw LedgerError.invalidArgument("leaf \(self.leafIndex) is outside subtree \(self.subtree)")
        }
        try InclusionProof(
            leafIndex: self.leafIndex - self.subtree.start,
            treeSize: self.subtree.count,
            hashes: self.hashes
        ).verify(leafHash: leafHash, rootHash: subtreeRoot)
    }
}

/// Presents the nodes of a subtree starting at an aligned leaf offset as if the subtree were a tree of its own.
private struct ShiftedNodeHashSource<Base: MerkleNodeHashSource>: MerkleNodeHashSource {
    var base: Base
    var leafOffset: UInt64

    func nodeHash(at id: MerkleNodeID) throws -> TreeHash? {
        try self.base.nodeHash(
            at: MerkleNodeID(level: id.level, index: id.index + (self.leafOffset >> UInt64(id.level)))
        )
    }
}
