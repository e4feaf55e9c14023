/// An RFC 9162 §2.1.3 inclusion proof (audit path): the node hashes that connect one leaf to the root of a tree of
/// a given size.
///
/// Generate proofs on the log side with ``generate(leafIndex:treeSize:from:)`` and check them on the client side
/// with ``verify(leafHash:rootHash:)``. The ``hashes`` are ordered from the leaf's sibling upwards.
public struct InclusionProof: Hashable, Sendable, Codable {
    /// The 0-based index of the leaf whose inclusion is proven.
    public var leafIndex: UInt64

    /// The size of the tree the proof is relative to.
    public var treeSize: UInt64

    /// The audit path, from the bottom of the tree to the top.
    public var hashes: [TreeHash]

    /// Creates a proof from its parts, for example as received from a log.
    public init(leafIndex: UInt64, treeSize: UInt64, hashes: [TreeHash]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// Generates the inclusion proof of leaf `leafIndex` in the tree of `treeSize` leaves (RFC 9162 §2.1.3.1),
    /// reading complete-subtree hashes from `source`.
    ///
    /// Reads O(log² n) nodes in the worst case, and only nodes complete at `treeSize`.
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` unless `leafIndex < treeSize`; ``LedgerError/Code/missingNode``
    ///   if `source` lacks a node.
    public static func generate(
        leafIndex: UInt64,
        treeSize: UInt64,
        from source: some MerkleNodeHashSource
    ) throws -> InclusionProof {
        guard leafIndex < treeSize else {
            throw LedgerError.invalidArgument("leaf index \(leafIndex) is not below tree size \(treeSize)")
        }
        // Walk down from the root (PATH in RFC 9162), collecting the sibling subtree at each split; the proof lists
        // them bottom-up.
        var topDown: [TreeHash] = []
        var begin: UInt64 = 0
        var end = treeSize
        while end - begin > 1 {
            let split = begin + largestPowerOfTwo(below: end - begin)
            if leafIndex < split {
                topDown.append(try source.rangeHash(begin: split, end: end))
                end = split
            } else {
                topDown.append(try source.rangeHash(begin: begin, end: split))
                begin = split
            }
        }
        return InclusionProof(leafIndex: leafIndex, treeSize: treeSize, hashes: topDown.reversed())
    }

    /// Computes the root hash that this proof implies for a leaf with hash `leafHash` (RFC 9162 §2.1.3.2).
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` unless `leafIndex < treeSize`;
    ///   ``LedgerError/Code/invalidProof`` if the proof has the wrong number of hashes for its index and size.
    public func rootHash(forLeafHash leafHash: TreeHash) throws -> TreeHash {
        guard self.leafIndex < self.treeSize else {
            throw LedgerError.invalidArgument("leaf index \(self.leafIndex) is not below tree size \(self.treeSize)")
        }
        var fn = self.leafIndex
        var sn = self.treeSize - 1
        var result = leafHash
        for sibling in self.hashes {
            guard sn != 0 else {
                throw LedgerError.invalidProof("inclusion proof for \(self.leafIndex)/\(self.treeSize) is too long")
            }
            if fn & 1 == 1 || fn == sn {
                result = MerkleTreeHasher.nodeHash(left: sibling, right: result)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                result = MerkleTreeHasher.nodeHash(left: result, right: sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw LedgerError.invalidProof("inclusion proof for \(self.leafIndex)/\(self.treeSize) is too short")
        }
        return result
    }

    /// Verifies that the leaf with hash `leafHash` is at ``leafIndex`` in the tree of ``treeSize`` leaves whose root
    /// is `rootHash` (RFC 9162 §2.1.3.2).
    ///
    /// - Throws: ``LedgerError`` with code ``LedgerError/Code/invalidArgument``, ``LedgerError/Code/invalidProof``
    ///   or ``LedgerError/Code/rootMismatch``.
    public func verify(leafHash: TreeHash, rootHash: TreeHash) throws {
        let computed = try self.rootHash(forLeafHash: leafHash)
        guard computed == rootHash else {
            throw LedgerError.rootMismatch(
                "inclusion proof for \(self.leafIndex)/\(self.treeSize) leads to root \(computed), expected \(rootHash)"
            )
        }
    }
}
