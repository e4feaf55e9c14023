/// The decision logic of a C2SP tlog-witness: given an `add-checkpoint` request body and the witness's records,
/// whether to cosign, and otherwise which refusal the protocol prescribes. Pure: the caller keeps the records and
/// must check-and-replace a log's record atomically with the decision (one request per log at a time).
///
/// The checks, in the order of the spec: the body parses (400); the origin is witnessed (404); a trusted
/// signature verifies (403); the old size does not exceed the checkpoint size (400); the old size equals the
/// recorded size, 0 when none (409 with that size); for equal sizes the roots are equal (409); otherwise the
/// consistency proof verifies from the recorded root, and from size 0 it is empty (422).
public struct CheckpointWitness: Sendable {
    /// The witnessed logs by origin.
    public let logs: [String: WitnessedLog]

    /// Creates a witness of `logs`; a later entry for the same origin replaces an earlier one.
    public init(logs: [WitnessedLog]) {
        var byOrigin: [String: WitnessedLog] = [:]
        for log in logs { byOrigin[log.origin] = log }
        self.logs = byOrigin
    }

    /// Decides one request. `records` holds the latest cosigned checkpoint per origin; `cosigner` signs with the
    /// timestamp the caller chose.
    public func decide(
        _ body: some Collection<UInt8>,
        records: [String: WitnessRecord],
        cosigner: CosignatureV1Signer
    ) -> WitnessDecision {
        let request: AddCheckpointRequest
        let note: SignedNote
        do {
            request = try AddCheckpointRequest(parsing: body)
            note = try SignedNote(parsing: request.checkpointNote)
        } catch {
            return .badRequest(Self.describe(error))
        }
        let origin = String(note.text.prefix { $0 != "\n" })
        guard let log = self.logs[origin] else {
            return .unknownLog("origin \"\(origin)\" is not witnessed here")
        }
        let checkpoint: Checkpoint
        do {
            let verified = try note.verify(using: log.verifiers)
            checkpoint = try Checkpoint(parsing: verified.text, expectedOrigin: origin)
        } catch let error as LedgerError where error.code == .unverifiedNote || error.code == .invalidSignature {
            return .untrusted(error.message)
        } catch {
            return .badRequest(Self.describe(error))
        }
        guard request.oldSize <= checkpoint.size else {
            return .badRequest("old size \(request.oldSize) exceeds the checkpoint size \(checkpoint.size)")
        }
        let record = records[origin]
        let recordedSize = record?.size ?? 0
        guard request.oldSize == recordedSize else {
            return .staleOldSize(latestSize: recordedSize)
        }
        let recordedRoot = record?.rootHash ?? MerkleTreeHasher.emptyTreeHash
        if checkpoint.size == recordedSize && checkpoint.rootHash != recordedRoot {
            return .rootConflict(
                latestSize: recordedSize,
                "checkpoint of size \(recordedSize) has another root than the one cosigned"
            )
        }
        do {
            try request.verifyConsistency(oldRoot: recordedRoot, checkpoint: checkpoint)
        } catch {
            return .inconsistent(Self.describe(error))
        }
        do {
            let signature = try cosigner.signature(forNoteText: Array(note.text.utf8))
            return .cosigned(
                record: WitnessRecord(origin: origin, size: checkpoint.size, rootHash: checkpoint.rootHash),
                cosignature: NoteSignature(keyName: cosigner.keyName, keyID: cosigner.keyID, signature: signature)
            )
        } catch {
            return .badRequest(Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? LedgerError)?.message ?? "\(error)"
    }
}
