/// A subtree consistency proof (draft-ietf-plants-merkle-tree-certs): the node hashes showing that a
/// ``MerkleSubtree`` with a given hash is part of the tree of ``treeSize`` leaves with a given root.
///
/// For the subtree `[0, m)` this is exactly the RFC 9162 consistency proof from `m` to ``treeSize``.
///
/// The proof is defined recursively over the tree, splitting at the largest power of two `k` below the current
/// size `n`: a subtree left of `k` is proven in the left child followed by the right child's hash; one right of `k`
/// in the right child followed by the left child's hash; a subtree `[0, end)` straddling `k` continues in the right
/// child as `[0, end - k)` with its hash no longer known to the verifier. Where the subtree equals the current node
/// the recursion ends, contributing nothing if its hash is known and the node's hash otherwise. Hashes are listed
/// deepest first.
public struct SubtreeConsistencyProof: Hashable, Sendable {
    /// The subtree.
    public var subtree: MerkleSubtree

    /// The size of the tree that contains it.
    public var treeSize: UInt64

    /// The proof hashes, deepest first.
    public var hashes: [TreeHash]

    /// Creates a proof from its parts.
    public init(subtree: MerkleSubtree, treeSize: UInt64, hashes: [TreeHash]) {
        self.subtree = subtree
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// Generates the proof that `subtree` is part of the tree of `treeSize` leaves, reading nodes from `source`.
    ///
    /// The proof for an empty subtree is empty.
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` if the subtree ends after `treeSize`;
    ///   ``LedgerError/Code/missingNode`` if `source` lacks a node.
    public static func generate(
        subtree: MerkleSubtree,
        treeSize: UInt64,
        from source: some MerkleNodeHashSource
    ) throws -> SubtreeConsistencyProof {
        guard subtree.end <= treeSize else {
            throw LedgerError.invalidArgument("subtree \(subtree) ends after tree size \(treeSize)")
        }
        guard subtree.start < subtree.end else {
            return SubtreeConsistencyProof(subtree: subtree, treeSize: treeSize, hashes: [])
        }
        // Walk down from the root; collect the sibling at each split, and finally the node itself if needed.
        var topDown: [TreeHash] = []
        var offset: UInt64 = 0  // first leaf of the current node
        var start = subtree.start - offset
        var end = subtree.end - offset
        var size = treeSize
        var isKnown = true
        while !(start == 0 && end == size) {
            let k = largestPowerOfTwo(below: size)
            if end <= k {
                topDown.append(try source.rangeHash(begin: offset + k, end: offset + size))
                size = k
            } else {
                topDown.append(try source.rangeHash(begin: offset, end: offset + k))
                isKnown = isKnown && start >= k
                start = start >= k ? start - k : 0
                end -= k
                size -= k
                offset += k
            }
        }
        if !isKnown {
            topDown.append(try source.rangeHash(begin: offset, end: offset + size))
        }
        return SubtreeConsistencyProof(subtree: subtree, treeSize: treeSize, hashes: topDown.reversed())
    }

    /// Verifies that ``subtree``, with hash `subtreeRoot`, is part of the tree of ``treeSize`` leaves with root
    /// `treeRoot`.
    ///
    /// An empty subtree verifies when it ends within the tree, the proof is empty and `subtreeRoot` is the empty
    /// tree's hash (it is consistent with every tree, so `treeRoot` is not consulted).
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` if the subtree ends after ``treeSize``;
    ///   ``LedgerError/Code/invalidProof`` or ``LedgerError/Code/rootMismatch`` if the proof fails.
    public func verify(subtreeRoot: TreeHash, treeRoot: TreeHash) throws {
        guard self.subtree.end <= self.treeSize else {
            throw LedgerError.invalidArgument("subtree \(self.subtree) ends after tree size \(self.treeSize)")
        }
        if self.subtree.start == self.subtree.end {
            guard self.hashes.isEmpty else {
                throw LedgerError.invalidProof("the proof for an empty subtree must be empty")
            }
            guard subtreeRoot == MerkleTreeHasher.emptyTreeHash else {
                throw LedgerError.rootMismatch("an empty subtree must have the empty tree's hash")
            }
            return
        }
        var remaining = self.hashes[...]
        let (computedSubtree, computedRoot) = try Self.chain(
            start: self.subtree.start,
            end: self.subtree.end,
            size: self.treeSize,
            isKnown: true,
            knownHash: subtreeRoot,
            proof: &remaining
        )
        guard remaining.isEmpty else {
            throw LedgerError.invalidProof("subtree consistency proof for \(self.subtree) has extra hashes")
        }
        guard computedSubtree == subtreeRoot else {
            throw LedgerError.rootMismatch("subtree consistency proof does not lead to the subtree hash")
        }
        guard computedRoot == treeRoot else {
            throw LedgerError.rootMismatch("subtree consistency proof does not lead to the tree root")
        }
    }

    /// Mirrors ``generate(subtree:treeSize:from:)``: consumes the proof deepest first and returns the hash of the
    /// subtree's part of the current node and the hash of the current node.
    private static func chain(
        start: UInt64,
        end: UInt64,
        size: UInt64,
        isKnown: Bool,
        knownHash: TreeHash,
        proof: inout ArraySlice<TreeHash>
    ) throws -> (subtree: TreeHash, node: TreeHash) {
        func next() throws -> TreeHash {
            guard let hash = proof.popFirst() else {
                throw LedgerError.invalidProof("subtree consistency proof is too short")
            }
            return hash
        }
        if start == 0 && end == size {
            if isKnown {
                return (knownHash, knownHash)
            }
            let hash = try next()
            return (hash, hash)
        }
        let k = largestPowerOfTwo(below: size)
        if end <= k {
            let (subtree, left) = try chain(
                start: start,
                end: end,
                size: k,
                isKnown: isKnown,
                knownHash: knownHash,
                proof: &proof
            )
            return (subtree, MerkleTreeHasher.nodeHash(left: left, right: try next()))
        }
        if start >= k {
            let (subtree, right) = try chain(
                start: start - k,
                end: end - k,
                size: size - k,
                isKnown: isKnown,
                knownHash: knownHash,
                proof: &proof
            )
            return (subtree, MerkleTreeHasher.nodeHash(left: try next(), right: right))
        }
        // The subtree straddles k, so (being aligned) it starts at 0: its right part continues below.
        let (part, right) = try chain(
            start: 0,
            end: end - k,
            size: size - k,
            isKnown: false,
            knownHash: knownHash,
            proof: &proof
        )
        let left = try next()
        return (MerkleTreeHasher.nodeHash(left: left, right: part), MerkleTreeHasher.nodeHash(left: left, right: right))
    }
}
