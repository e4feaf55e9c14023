/// The coordinates of a complete (perfect) subtree of a Merkle tree: its height and its position on that level.
///
/// The node at `level` *l* and `index` *i* is the root of the perfect subtree over the leaves
/// `[i · 2^l, (i + 1) · 2^l)`. Level 0 holds the leaf hashes themselves. This is the addressing used by
/// C2SP tlog-tiles: the hashes in tile level *L* are the nodes at Merkle level `8 · L`.
///
/// Only `level` in `0...63` with `index < 2^(64 - level)` describes a node of a tree whose size fits in `UInt64`.
public struct MerkleNodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The height of the subtree: 0 for a leaf, 1 for a node over two leaves, and so on.
    public var level: Int

    /// The position of the node on its level, counted from 0 at the left.
    public var index: UInt64

    /// Creates the coordinates of the node at `level` and `index`.
    public init(level: Int, index: UInt64) {
        precondition((0..<64).contains(level), "Merkle node level must be in 0..<64, got \(level)")
        self.level = level
        self.index = index
    }

    /// The number of leaves below the node, `2^level`.
    public var leafCount: UInt64 {
        1 << UInt64(self.level)
    }

    /// The index of the first leaf below the node, `index · 2^level`.
    public var firstLeafIndex: UInt64 {
        self.index << UInt64(self.level)
    }

    /// One past the index of the last leaf below the node: the smallest tree size that contains the whole node.
    public var endLeafIndex: UInt64 {
        self.firstLeafIndex + self.leafCount
    }

    /// `level/index`, for diagnostics.
    public var description: String {
        "\(self.level)/\(self.index)"
    }

    /// Orders nodes by level, then by index.
    public static func < (lhs: MerkleNodeID, rhs: MerkleNodeID) -> Bool {
        (lhs.level, lhs.index) < (rhs.level, rhs.index)
    }
}
