import Crypto

/// The commitment to all claims of one event: the value stored in ``LedgerEntry/commitment``.
///
/// Layout (the count is a 4-byte big-endian unsigned integer; digests are sorted ascending by their bytes, which
/// hides the order of the claims):
///
/// ```
/// commitment = SHA-256( "custos-commitment-v1" ‖ 0x00 ‖ count ‖ digest_1 ‖ … ‖ digest_count )
/// ```
///
/// The store keeps the ``claims`` (with their salts) private and hands out ``disclosure(revealing:)`` values.
public struct ClaimCommitment: Hashable, Sendable {
    /// Every claim of the event, with its salt.
    public var claims: [SaltedClaim]

    /// Creates the commitment over `claims`.
    public init(claims: [SaltedClaim]) {
        self.claims = claims
    }

    /// The commitment hash over the claims' digests.
    public var commitment: TreeHash {
        Self.commitment(overDigests: self.claims.map(\.digest))
    }

    /// The commitment hash over a multiset of claim digests (sorted here; the input order does not matter).
    public static func commitment(overDigests digests: [TreeHash]) -> TreeHash {
        var input = Array("custos-commitment-v1".utf8)
        input.reserveCapacity(input.count + 5 + TreeHash.byteCount * digests.count)
        input.append(0x00)
        input.appendBigEndian(UInt32(truncatingIfNeeded: digests.count))
        for digest in digests.sorted() {
            digest.withUnsafeBytes { input.append(contentsOf: $0) }
        }
        return input.withUnsafeBytes { OneShotSHA256.hash($0) }
    }

    /// A disclosure revealing the claims for which `isRevealed` returns true and only the digests of the others.
    public func disclosure(revealing isRevealed: (SaltedClaim) -> Bool) -> Disclosure {
        Disclosure(
            revealedClaims: self.claims.filter(isRevealed),
            undisclosedDigests: self.claims.filter { !isRevealed($0) }.map(\.digest).sorted()
        )
    }

    /// A disclosure revealing every claim whose name is in `names`.
    public func disclosure(revealingNames names: Set<String>) -> Disclosure {
        self.disclosure { names.contains($0.name) }
    }
}
