/// An RFC 9162 §2.1.4 consistency proof: the node hashes showing that the tree of ``oldSize`` leaves is a prefix of
/// the tree of ``newSize`` leaves, i.e. that the log only appended.
///
/// Generate proofs with ``generate(oldSize:newSize:from:)`` and check them with ``verify(oldRoot:newRoot:)``.
public struct ConsistencyProof: Hashable, Sendable, Codable {
    /// The size of the earlier tree.
    public var oldSize: UInt64

    /// The size of the later tree.
    public var newSize: UInt64

    /// The proof hashes, in the order of RFC 9162 §2.1.4.1 (bottom-up).
    public var hashes: [TreeHash]

    /// Creates a proof from its parts, for example as received from a log.
    public init(oldSize: UInt64, newSize: UInt64, hashes: [TreeHash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    /// Generates the consistency proof between the trees of `oldSize` and `newSize` leaves (RFC 9162 §2.1.4.1),
    /// reading complete-subtree hashes from `source`.
    ///
    /// For `oldSize == newSize` and for `oldSize == 0` the proof is empty. (RFC 9162 defines proofs only for
    /// `0 < oldSize < newSize`; ``verify(oldRoot:newRoot:)`` rejects `oldSize == 0`, whereas the C2SP tlog-witness
    /// protocol sends an empty proof from size 0, which the witness layer must accept on its own.)
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` if `oldSize > newSize`; ``LedgerError/Code/missingNode`` if
    ///   `source` lacks a node.
    public static func generate(
        oldSize: UInt64,
        newSize: UInt64,
        from source: some MerkleNodeHashSource
    ) throws -> ConsistencyProof {
        guard oldSize <= newSize else {
            throw LedgerError.invalidArgument("old size \(oldSize) is larger than new size \(newSize)")
        }
        guard oldSize > 0, oldSize < newSize else {
            return ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: [])
        }
        // SUBPROOF(m, D[n], true) of RFC 9162, walked from the root down; collected top-down, returned bottom-up.
        var topDown: [TreeHash] = []
        var begin: UInt64 = 0
        var end = newSize
        var oldTreeIsComplete = true
        while oldSize != end {
            let split = begin + largestPowerOfTwo(below: end - begin)
            if oldSize <= split {
                topDown.append(try source.rangeHash(begin: split, end: end))
                end = split
            } else {
                topDown.append(try source.rangeHash(begin: begin, end: split))
                begin = split
                oldTreeIsComplete = false
            }
        }
        if !oldTreeIsComplete {
            topDown.append(try source.rangeHash(begin: begin, end: end))
        }
        return ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: topDown.reversed())
    }

    /// Verifies that `newRoot`, the root of the tree of ``newSize`` leaves, extends `oldRoot`, the root of the tree of
    /// ``oldSize`` leaves (RFC 9162 §2.1.4.2).
    ///
    /// Equal sizes verify exactly when the proof is empty and the roots are equal. A proof from `oldSize == 0` is
    /// always rejected, as in RFC 9162 and transparency-dev/merkle: it proves nothing.
    ///
    /// - Throws: ``LedgerError`` with code ``LedgerError/Code/invalidArgument`` (sizes out of order or old size 0),
    ///   ``LedgerError/Code/invalidProof`` (wrong shape) or ``LedgerError/Code/rootMismatch``.
    public func verify(oldRoot: TreeHash, newRoot: TreeHash) throws {
        guard self.oldSize <= self.newSize else {
            throw LedgerError.invalidArgument("old size \(self.oldSize) is larger than new size \(self.newSize)")
        }
        guard self.oldSize > 0 else {
            throw LedgerError.invalidArgument("a consistency proof from the empty tree proves nothing")
        }
        if self.oldSize == self.newSize {
            guard self.hashes.isEmpty else {
                throw LedgerError.invalidProof("a consistency proof between equal sizes must be empty")
            }
            guard oldRoot == newRoot else {
                throw LedgerError.rootMismatch("equal tree sizes \(self.oldSize) with different roots")
            }
            return
        }
        guard !self.hashes.isEmpty else {
            throw LedgerError.invalidProof("consistency proof \(self.oldSize)→\(self.newSize) is empty")
        }

        var path = self.hashes
        // If the old tree is a perfect subtree, its root is the first node of the path.
        if self.oldSize & (self.oldSize - 1) == 0 {
            path.insert(oldRoot, at: 0)
        }
        var fn = self.oldSize - 1
        var sn = self.newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var oldResult = path[0]
        var newResult = oldResult
        for node in path.dropFirst() {
            guard sn != 0 else {
                throw LedgerError.invalidProof("consistency proof \(self.oldSize)→\(self.newSize) is too long")
            }
            if fn & 1 == 1 || fn == sn {
                oldResult = MerkleTreeHasher.nodeHash(left: node, right: oldResult)
                newResult = MerkleTreeHasher.nodeHash(left: node, right: newResult)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                newResult = MerkleTreeHasher.nodeHash(left: newResult, right: node)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw LedgerError.invalidProof("consistency proof \(self.oldSize)→\(self.newSize) is too short")
        }
        guard oldResult == oldRoot else {
            throw LedgerError.rootMismatch("consistency proof does not lead to the old root \(oldRoot)")
        }
        guard newResult == newRoot else {
            throw LedgerError.rootMismatch("consistency proof does not lead to the new root \(newRoot)")
        }
    }
}
