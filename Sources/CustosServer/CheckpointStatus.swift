/// How current the log's newest signed checkpoint is: its age and the entries it does not cover yet. A stalled
/// signer shows as entries waiting while the newest checkpoint grows old (`custos_checkpoint_age_seconds` and
/// `custos_checkpoint_uncovered_entries` on /metrics, and a warning in the log).
public struct CheckpointStatus: Sendable, Hashable {
    /// Seconds since the newest checkpoint was signed; nil when none was.
    public var ageSeconds: Double?
    /// Entries in the tree beyond the newest checkpoint.
    public var uncoveredEntries: UInt64
    /// Whether entries have waited for a checkpoint longer than the signer should ever take.
    public var isStalled: Bool

    /// Creates a status.
    public init(ageSeconds: Double?, uncoveredEntries: UInt64, isStalled: Bool) {
        self.ageSeconds = ageSeconds
        self.uncoveredEntries = uncoveredEntries
        self.isStalled = isStalled
    }
}
