extension MerkleNodeHashSource {
    /// Returns the hash of node `id`, or throws ``LedgerError/Code/missingNode`` if the source lacks it.
    func requiredNodeHash(at id: MerkleNodeID) throws -> TreeHash {
        guard let hash = try self.nodeHash(at: id) else {
            throw LedgerError.missingNode("no hash stored for Merkle node \(id)")
        }
        return hash
    }

    /// The Merkle Tree Hash of the leaves `[begin, end)`, a range shaped like an RFC 9162 subtree: `begin` is a
    /// multiple of the smallest power of two that is at least `end - begin`. Reads at most 64 nodes.
    func rangeHash(begin: UInt64, end: UInt64) throws -> TreeHash {
        precondition(begin < end, "range must not be empty")
        var nodes: [TreeHash] = []
        var position = begin
        while position < end {
            let alignment = position == 0 ? 63 : position.trailingZeroBitCount
            let fitting = 63 - (end - position).leadingZeroBitCount
            let level = min(alignment, fitting)
            nodes.append(try self.requiredNodeHash(at: MerkleNodeID(level: level, index: position >> UInt64(level))))
            position += 1 << UInt64(level)
        }
        var hash = nodes.removeLast()
        while let left = nodes.popLast() {
            hash = MerkleTreeHasher.nodeHash(left: left, right: hash)
        }
        return hash
    }

    /// The root hash of the tree of size `treeSize`, computed from at most 64 complete-subtree hashes.
    ///
    /// - Throws: ``LedgerError/Code/missingNode`` if the source lacks one of those subtrees.
    public func rootHash(treeSize: UInt64) throws -> TreeHash {
        if treeSize == 0 {
            return MerkleTreeHasher.emptyTreeHash
        }
        return try self.rangeHash(begin: 0, end: treeSize)
    }
}
