import CCustosSHA256

/// SHA-256 in one call, without the two allocations of swift-crypto's `SHA256` per digest: for the ledger's hot
/// paths (claim digests, commitments, leaf and node hashes), which hash a few dozen bytes at a time.
///
/// It is the same BoringSSL code swift-crypto runs (the `CCustosSHA256` header says how it is reached).
enum OneShotSHA256 {
    /// The SHA-256 digest of `bytes`.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> TreeHash {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digest) { out in
            custos_sha256(bytes.baseAddress, bytes.count, out.baseAddress)
            return TreeHash(unsafeDigestBytes: UnsafeRawBufferPointer(out))
        }
    }
}
