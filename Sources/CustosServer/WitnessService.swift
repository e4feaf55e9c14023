public import CustosLedger
import Foundation

/// A running witness: decides each `add-checkpoint` request with ``CheckpointWitness`` and, for a cosignature,
/// persists the log's new record before answering. Requests are handled one at a time, so checking the old size
/// and recording the new checkpoint are atomic (the race the tlog-witness spec warns about cannot happen).
public actor WitnessService {
    private let witness: CheckpointWitness
    private let signerKey: String
    private let stateFile: WitnessStateFile
    private var records: [String: WitnessRecord]
    private let clock: @Sendable () -> UInt64

    /// The witness's cosignature/v1 verifier key, to give to the logs it witnesses.
    public nonisolated let verifierKey: String

    /// Creates a witness of `logs` that signs with the Ed25519 `signerKey` and keeps its state in `stateFile`.
    ///
    /// - Throws: ``LedgerError`` for a bad signer key; ``WitnessStateError`` for an unreadable state file.
    public init(
        logs: [WitnessedLog],
        signerKey: String,
        stateFile: WitnessStateFile,
        clock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }
    ) throws {
        self.witness = CheckpointWitness(logs: logs)
        self.signerKey = signerKey
        self.stateFile = stateFile
        self.records = try stateFile.load()
        self.clock = clock
        self.verifierKey = try CosignatureV1Signer(signerKey: signerKey, timestamp: 0).verifier.verifierKey
    }

    /// Decides one request body; a cosigned checkpoint is on disk when this returns.
    public func addCheckpoint(_ body: [UInt8]) throws -> WitnessDecision {
        let cosigner = try CosignatureV1Signer(signerKey: signerKey, timestamp: clock())
        let decision = witness.decide(body, records: records, cosigner: cosigner)
        if case .cosigned(let record, _) = decision {
            var next = records
            next[record.origin] = record
            try stateFile.save(next)
            records = next
        }
        return decision
    }

    /// The latest cosigned checkpoint of `origin`, if any.
    public func record(origin: String) -> WitnessRecord? {
        records[origin]
    }
}
