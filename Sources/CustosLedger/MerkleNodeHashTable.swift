/// An in-memory table of node hashes: a complete ``MerkleNodeHashSource`` for tests, caches and small logs.
public struct MerkleNodeHashTable: MerkleNodeHashSource, Hashable, Sendable {
    /// The stored hashes by node.
    public var hashes: [MerkleNodeID: TreeHash]

    /// Creates an empty table.
    public init() {
        self.hashes = [:]
    }

    /// Creates a table holding every complete subtree of the tree over `leafHashes`, in time linear in their number.
    public init(leafHashes: some Sequence<TreeHash>) {
        self.init()
        var frontier = MerkleFrontier()
        for leafHash in leafHashes {
            frontier.append(leafHash) { self.insert($0) }
        }
    }

    /// Stores (or replaces) the hash of one node.
    public mutating func insert(_ node: MerkleNode) {
        self.hashes[node.id] = node.hash
    }

    /// Stores (or replaces) the hashes of several nodes.
    public mutating func insert(contentsOf nodes: some Sequence<MerkleNode>) {
        for node in nodes {
            self.insert(node)
        }
    }

    /// Returns the stored hash of `id`, if any.
    public func nodeHash(at id: MerkleNodeID) -> TreeHash? {
        self.hashes[id]
    }
}
