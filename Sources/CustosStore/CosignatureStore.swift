public import CustosLedger

/// Where a log keeps the witnesses' cosignatures of its checkpoints (C2SP tlog-cosignature), beside the
/// checkpoints themselves (docs/ledger.md, "Witnesses").
public protocol CosignatureStore: Sendable {
    /// Keeps `cosignature`; a later one by the same witness for the same checkpoint replaces it.
    func addCosignature(_ cosignature: StoredCosignature) async throws

    /// The cosignatures of the checkpoints of these sizes, in the order received.
    func cosignatures(sizes: [UInt64]) async throws -> [StoredCosignature]

    /// The size of the largest checkpoint `witness` cosigned, 0 if none.
    func latestCosignedSize(witness: String) async throws -> UInt64
}

/// One witness's cosignature of one checkpoint.
public struct StoredCosignature: Sendable, Hashable {
    /// The checkpoint's tree size.
    public var size: UInt64
    /// The checkpoint's root hash.
    public var rootHash: TreeHash
    /// The witness's name in the log's configuration.
    public var witness: String
    /// The signed-note signature line (`— <key name> <base64>`, without its newline).
    public var line: String
    /// When the log received it, in milliseconds since the Unix epoch.
    public var receivedMilliseconds: Int64

    /// Creates a stored cosignature.
    public init(size: UInt64, rootHash: TreeHash, witness: String, line: String, receivedMilliseconds: Int64) {
        self.size = size
        self.rootHash = rootHash
        self.witness = witness
        self.line = line
        self.receivedMilliseconds = receivedMilliseconds
    }
}
