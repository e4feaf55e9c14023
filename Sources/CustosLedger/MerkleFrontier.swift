/// The right edge of an append-only Merkle tree: enough state to append leaves and compute the root without ever
/// touching earlier leaves.
///
/// A tree of size *n* is the concatenation of perfect subtrees, one for every bit set in *n*, largest (leftmost)
/// first. The frontier keeps just those at most 64 subtree hashes (a "compact range" over `[0, n)`). Appending a leaf
/// hash merges equal-sized subtrees; every complete node created on the way is reported so that a store can
/// persist it (for example the level 0, 8, 16, … nodes that make up tlog-tiles tiles). Appending is amortised
/// O(1) hashes per leaf; computing the root costs at most 63 hashes.
///
/// The frontier is a value: persist ``serializedBytes`` after each batch and restore it with
/// ``init(serializedBytes:)``, or rebuild it from stored nodes with ``init(size:nodeHashes:)``.
public struct MerkleFrontier: Hashable, Sendable {
    /// The number of leaves appended so far.
    public private(set) var size: UInt64

    /// The hashes of the perfect subtrees that make up the tree, largest (leftmost) first; one per bit set in
    /// ``size``. Their coordinates are ``subtreeIDs``.
    public private(set) var subtreeHashes: [TreeHash]

    /// Creates the frontier of the empty tree.
    public init() {
        self.size = 0
        self.subtreeHashes = []
    }

    /// Creates a frontier from a tree size and the hashes of its perfect subtrees, largest first.
    ///
    /// - Throws: ``LedgerError/Code/invalidFrontier`` if the number of hashes is not the number of bits set in
    ///   `size`.
    public init(size: UInt64, subtreeHashes: [TreeHash]) throws {
        guard subtreeHashes.count == size.nonzeroBitCount else {
            throw LedgerError.invalidFrontier(
                "a tree of size \(size) has \(size.nonzeroBitCount) perfect subtrees, got \(subtreeHashes.count) hashes"
            )
        }
        self.size = size
        self.subtreeHashes = subtreeHashes
    }

    /// Rebuilds the frontier of a tree of `size` leaves from stored node hashes, reading at most 64 nodes.
    ///
    /// - Throws: ``LedgerError/Code/missingNode`` if the source lacks one of the nodes in ``subtreeIDs(forSize:)``.
    public init(size: UInt64, nodeHashes source: some MerkleNodeHashSource) throws {
        let hashes = try Self.subtreeIDs(forSize: size).map { try source.requiredNodeHash(at: $0) }
        try self.init(size: size, subtreeHashes: hashes)
    }

    /// The coordinates of the perfect subtrees that make up a tree of `size` leaves, largest (leftmost) first.
    public static func subtreeIDs(forSize size: UInt64) -> [MerkleNodeID] {
        var ids: [MerkleNodeID] = []
        var begin: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (1 << UInt64(level)) != 0 {
            ids.append(MerkleNodeID(level: level, index: begin >> UInt64(level)))
            begin += 1 << UInt64(level)
        }
        return ids
    }

    /// The coordinates of ``subtreeHashes``, largest (leftmost) first.
    public var subtreeIDs: [MerkleNodeID] {
        Self.subtreeIDs(forSize: self.size)
    }

    /// The root hash of the tree of the current ``size``; ``MerkleTreeHasher/emptyTreeHash`` when it is empty.
    public var rootHash: TreeHash {
        guard var hash = self.subtreeHashes.last else {
            return MerkleTreeHasher.emptyTreeHash
        }
        for left in self.subtreeHashes.dropLast().reversed() {
            hash = MerkleTreeHasher.nodeHash(left: left, right: hash)
        }
        return hash
    }

    /// Appends one leaf hash and calls `newNode` for every complete node this creates, bottom-up: first the leaf
    /// itself at level 0, then each interior node that the leaf completes.
    ///
    /// - Precondition: the tree is not full (`size < UInt64.max`).
    public mutating func append(_ leafHash: TreeHash, newNode: (MerkleNode) throws -> Void) rethrows {
        precondition(self.size < UInt64.max, "the Merkle tree is full")
        let leafIndex = self.size
        var hash = leafHash
        var level = 0
        try newNode(MerkleNode(id: MerkleNodeID(level: 0, index: leafIndex), hash: hash))
        while (leafIndex >> UInt64(level)) & 1 == 1 {
            hash = MerkleTreeHasher.nodeHash(left: self.subtreeHashes.removeLast(), right: hash)
            level += 1
            try newNode(MerkleNode(id: MerkleNodeID(level: level, index: leafIndex >> UInt64(level)), hash: hash))
        }
        self.subtreeHashes.append(hash)
        self.size += 1
    }

    /// Appends one leaf hash and returns the complete nodes it creates, bottom-up (see ``append(_:newNode:)``).
    @discardableResult
    public mutating func append(_ leafHash: TreeHash) -> [MerkleNode] {
        var nodes: [MerkleNode] = []
        self.append(leafHash) { nodes.append($0) }
        return nodes
    }

    /// Appends a batch of leaf hashes in order and returns every complete node created, in creation order.
    ///
    /// A tree of size *n* has `2n − popcount(n)` complete nodes, so a batch growing the tree from *m* to *n* leaves
    /// creates `2(n − m) − popcount(n) + popcount(m)` nodes.
    @discardableResult
    public mutating func append(contentsOf leafHashes: some Sequence<TreeHash>) -> [MerkleNode] {
        var nodes: [MerkleNode] = []
        for leafHash in leafHashes {
            self.append(leafHash) { nodes.append($0) }
        }
        return nodes
    }
}

extension MerkleFrontier {
    /// The version byte that starts ``serializedBytes``.
    private static let serializationVersion: UInt8 = 1

    /// A compact binary encoding of the frontier for persistence.
    ///
    /// Layout: one version byte `0x01`, the size as an 8-byte big-endian unsigned integer, then the
    /// ``subtreeHashes`` as 32 bytes each, largest subtree first. Total length `9 + 32 · popcount(size)`.
    public var serializedBytes: [UInt8] {
        var bytes: [UInt8] = [Self.serializationVersion]
        bytes.reserveCapacity(9 + TreeHash.byteCount * self.subtreeHashes.count)
        bytes.appendBigEndian(self.size)
        for hash in self.subtreeHashes {
            hash.withUnsafeBytes { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Restores a frontier from ``serializedBytes``.
    ///
    /// - Throws: ``LedgerError/Code/invalidFrontier`` if the version is unknown or the length does not match the
    ///   encoded size.
    public init(serializedBytes: some Collection<UInt8>) throws {
        let bytes = Array(serializedBytes)
        guard bytes.count >= 9, bytes[0] == Self.serializationVersion else {
            throw LedgerError.invalidFrontier("serialized frontier must start with version 1 and an 8-byte size")
        }
        let size = UInt64(bigEndianBytes: bytes[1..<9])
        let expectedLength = 9 + TreeHash.byteCount * size.nonzeroBitCount
        guard bytes.count == expectedLength else {
            throw LedgerError.invalidFrontier(
                "serialized frontier of size \(size) must be \(expectedLength) bytes, got \(bytes.count)"
            )
        }
        var hashes: [TreeHash] = []
        var offset = 9
        while offset < bytes.count {
            hashes.append(try TreeHash(bytes: bytes[offset..<offset + TreeHash.byteCount]))
            offset += TreeHash.byteCount
        }
        try self.init(size: size, subtreeHashes: hashes)
    }
}
