/// The detection service's saved state: every finding source's snapshot and the last `seq` they cover.
public struct DetectionCheckpoint: Sendable, Hashable {
    /// The last event processed (-1 before any).
    public var coveredSeq: Int64
    /// The finding sources' states (JSON written by the service).
    public var state: [UInt8]

    /// Creates a checkpoint.
    public init(coveredSeq: Int64, state: [UInt8]) {
        self.coveredSeq = coveredSeq
        self.state = state
    }
}
