/// A complete subtree's coordinates together with its hash, as produced by ``MerkleFrontier`` while appending.
public struct MerkleNode: Hashable, Sendable, CustomStringConvertible {
    /// Where the node is in the tree.
    public var id: MerkleNodeID

    /// The Merkle Tree Hash of the subtree.
    public var hash: TreeHash

    /// Creates a node from its coordinates and hash.
    public init(id: MerkleNodeID, hash: TreeHash) {
        self.id = id
        self.hash = hash
    }

    /// `level/index hash`, for diagnostics.
    public var description: String {
        "\(self.id) \(self.hash)"
    }
}
