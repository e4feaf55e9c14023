/// A selective disclosure of an event: some claims in the clear, the others only as digests.
///
/// A verifier checks it against the ``LedgerEntry/commitment`` of an entry it has an inclusion proof for; it then
/// knows the revealed claims are exactly those committed in the ledger, and how many claims stay hidden.
public struct Disclosure: Hashable, Sendable {
    /// The claims revealed in the clear.
    public var revealedClaims: [SaltedClaim]

    /// The digests of the claims not revealed.
    public var undisclosedDigests: [TreeHash]

    /// Creates a disclosure from its parts, for example as received.
    public init(revealedClaims: [SaltedClaim], undisclosedDigests: [TreeHash]) {
        self.revealedClaims = revealedClaims
        self.undisclosedDigests = undisclosedDigests
    }

    /// The commitment the disclosure recomputes from the revealed claims' digests and the undisclosed digests.
    public var commitment: TreeHash {
        ClaimCommitment.commitment(overDigests: self.revealedClaims.map(\.digest) + self.undisclosedDigests)
    }

    /// Checks that the disclosure opens `commitment`.
    ///
    /// - Throws: ``LedgerError/Code/commitmentMismatch`` if it does not.
    public func verify(against commitment: TreeHash) throws {
        guard self.commitment == commitment else {
            throw LedgerError.commitmentMismatch("disclosure does not reproduce commitment \(commitment)")
        }
    }

    /// The revealed values of claims named `name`, in the order they were revealed.
    public func revealedValues(named name: String) -> [[UInt8]] {
        self.revealedClaims.filter { $0.name == name }.map(\.value)
    }
}
