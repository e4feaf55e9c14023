/// A subtree `[start, end)` of a Merkle tree in the sense of draft-ietf-plants-merkle-tree-certs: a range of leaves
/// whose Merkle Tree Hash is a node (or, for a range ending at the right edge, an ephemeral node) of every tree
/// that contains it.
///
/// A range is a valid subtree when `start == 0`, or it is empty, or `start` is a multiple of the smallest power of
/// two that is at least `end - start`. Subtrees are used by witnesses that cosign subtrees (tlog-witness
/// `sign-subtree`); ordinary logs need only ``InclusionProof`` and ``ConsistencyProof``.
public struct MerkleSubtree: Hashable, Sendable, CustomStringConvertible {
    /// The index of the first leaf.
    public let start: UInt64

    /// One past the index of the last leaf.
    public let end: UInt64

    /// Creates a subtree.
    ///
    /// - Throws: ``LedgerError/Code/invalidArgument`` if `start > end` or the range is not aligned as required.
    public init(start: UInt64, end: UInt64) throws {
        guard start <= end else {
            throw LedgerError.invalidArgument("subtree start \(start) is after its end \(end)")
        }
        if start != 0 && start != end {
            let length = end - start
            // The smallest power of two >= length must divide start; above 2^63 only start 0 qualifies.
            guard length <= 1 << 63,
                start & ((length == 1 ? 1 : 1 << UInt64(64 - (length - 1).leadingZeroBitCount)) - 1) == 0
            else {
                throw LedgerError.invalidArgument("subtree [\(start), \(end)) is not aligned to its size")
            }
        }
        self.start = start
        self.end = end
    }

    /// The number of leaves in the subtree.
    public var count: UInt64 {
        self.end - self.start
    }

    /// `[start, end)`, for diagnostics.
    public var description: String {
        "[\(self.start), \(self.end))"
    }

    /// The Merkle Tree Hash of the subtree's leaves, read from complete nodes in `source` (at most 64 of them).
    ///
    /// - Throws: ``LedgerError/Code/missingNode`` if `source` lacks a node.
    public func rootHash(from source: some MerkleNodeHashSource) throws -> TreeHash {
        self.start == self.end ? MerkleTreeHasher.emptyTreeHash : try source.rangeHash(begin: self.start, end: self.end)
    }
}
