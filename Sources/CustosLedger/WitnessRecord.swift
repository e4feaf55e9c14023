/// What a witness remembers of one log: the latest checkpoint it cosigned for the log's origin.
///
/// A witness keeps one record per log, durably, and replaces it only with a larger-or-equal checkpoint proven
/// consistent with it (``CheckpointWitness/decide(_:records:cosigner:)``).
public struct WitnessRecord: Hashable, Sendable, Codable {
    /// The log's origin line.
    public var origin: String
    /// The size of the latest cosigned checkpoint.
    public var size: UInt64
    /// Its root hash.
    public var rootHash: TreeHash

    /// Creates a record.
    public init(origin: String, size: UInt64, rootHash: TreeHash) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
    }
}
