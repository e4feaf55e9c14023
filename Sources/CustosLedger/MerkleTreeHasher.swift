import Crypto

/// The RFC 6962 / RFC 9162 Merkle tree hash functions over SHA-256.
///
/// - Leaf hash: `SHA-256(0x00 ‖ leaf data)`.
/// - Interior node hash: `SHA-256(0x01 ‖ left child hash ‖ right child hash)`.
/// - Root of the empty tree: `SHA-256("")`.
///
/// The distinct prefixes separate leaves from interior nodes, so no leaf can be passed off as a subtree.
public enum MerkleTreeHasher {
    /// The root hash of the empty tree, `SHA-256("")` (`e3b0c442…b855`).
    public static let emptyTreeHash: TreeHash = {
        SHA256.hash(data: [UInt8]()).withUnsafeBytes { TreeHash(unsafeDigestBytes: $0) }
    }()

    /// The leaf hash of one log entry: `SHA-256(0x00 ‖ data)`.
    public static func leafHash(of data: some Sequence<UInt8>) -> TreeHash {
        if let hash = data.withContiguousStorageIfAvailable({ leafHash(of: UnsafeRawBufferPointer($0)) }) {
            return hash
        }
        return Array(data).withUnsafeBytes { leafHash(of: $0) }
    }

    /// The leaf hash of one log entry held in memory: `SHA-256(0x00 ‖ data)`, hashed in one call from a copy on the
    /// stack when the entry is small (as ledger entries are), so no allocation and no incremental hashing.
    public static func leafHash(of data: UnsafeRawBufferPointer) -> TreeHash {
        guard data.count <= 256 else {
            var hasher = SHA256()
            withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
            hasher.update(bufferPointer: data)
            return hasher.finalize().withUnsafeBytes { TreeHash(unsafeDigestBytes: $0) }
        }
        return withUnsafeTemporaryAllocation(byteCount: data.count + 1, alignment: 8) { input in
            input[0] = 0x00
            if let base = data.baseAddress { (input.baseAddress! + 1).copyMemory(from: base, byteCount: data.count) }
            return OneShotSHA256.hash(UnsafeRawBufferPointer(input))
        }
    }

    /// The hash of an interior node from its children: `SHA-256(0x01 ‖ left ‖ right)`, hashed in one call from a
    /// 65-byte copy on the stack.
    public static func nodeHash(left: TreeHash, right: TreeHash) -> TreeHash {
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { input in
            input[0] = 0x01
            left.withUnsafeBytes { (input.baseAddress! + 1).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            right.withUnsafeBytes { (input.baseAddress! + 33).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            return OneShotSHA256.hash(UnsafeRawBufferPointer(input))
        }
    }

    /// The Merkle Tree Hash (RFC 9162 §2.1.1) of a list of leaf hashes, computed directly.
    ///
    /// This is the reference definition: it touches every leaf hash, so use it for small trees, tests and tiles.
    /// Logs that grow should use ``MerkleFrontier`` instead.
    public static func rootHash(ofLeafHashes leafHashes: some Collection<TreeHash>) -> TreeHash {
        var frontier = MerkleFrontier()
        frontier.append(contentsOf: leafHashes)
        return frontier.rootHash
    }
}
