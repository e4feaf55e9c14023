public import CustosLedger
public import CustosStore

/// What `custos verify` found: the recomputed tree, the checkpoints checked, and every problem, the first one
/// first.
public struct LedgerVerification: Sendable {
    /// Events found (and leaves recomputed).
    public var treeSize: UInt64 = 0
    /// The root of the recomputed tree.
    public var rootHash: TreeHash = MerkleTreeHasher.emptyTreeHash
    /// Entries whose event was erased under a retention rule (body and salts gone, leaf kept, covered by a
    /// recorded `custos.erase`): checked against the tree by their stored leaf hash, not recomputed.
    public var redactedEntries: UInt64 = 0
    /// Signed checkpoints whose signature and root were checked.
    public var checkpointsVerified = 0
    /// The newest stored checkpoint that verified.
    public var latestCheckpoint: StoredCheckpoint?
    /// The first entry (seq) found altered, removed or reordered, if any.
    public var firstBadEntry: UInt64?
    /// Every problem found, in the order found; empty when the store verifies.
    public var problems: [String] = []

    /// Whether nothing was wrong.
    public var isValid: Bool { problems.isEmpty }

    /// Creates an empty result.
    public init() {}

    mutating func fail(_ problem: String, entry: UInt64? = nil) {
        if let entry, firstBadEntry == nil { firstBadEntry = entry }
        if problems.count < 100 { problems.append(problem) }
    }
}
