import Testing

@testable import CustosLedger

/// A log of 40 leaves (and a fork of it) signing checkpoints, and a witness deciding on them.
private struct WitnessFixture {
    let logSigner = try! Ed25519NoteSigner(keyName: "example.org/log", seed: [UInt8](repeating: 7, count: 32))
    let cosigner = try! CosignatureV1Signer(
        keyName: "witness.example/w1",
        seed: [UInt8](repeating: 9, count: 32),
        timestamp: 1_790_000_000
    )
    let table = MerkleNodeHashTable(leafHashes: (0..<40).map { MerkleTreeHasher.leafHash(of: [UInt8($0)]) })
    let fork = MerkleNodeHashTable(leafHashes: (0..<40).map { MerkleTreeHasher.leafHash(of: [UInt8($0), 1]) })

    var witness: CheckpointWitness {
        CheckpointWitness(logs: [WitnessedLog(origin: "example.org/log", verifiers: [logSigner.verifier])])
    }

    func note(
        _ size: UInt64,
        tree: MerkleNodeHashTable? = nil,
        origin: String = "example.org/log",
        signer: (any NoteSigner)? = nil
    ) throws -> [UInt8] {
        let root = try (tree ?? table).rootHash(treeSize: size)
        return try Checkpoint(origin: origin, size: size, rootHash: root).sign(signers: [signer ?? logSigner])
            .serializedBytes()
    }

    func body(
        old: UInt64,
        new: UInt64,
        tree: MerkleNodeHashTable? = nil,
        proofTree: MerkleNodeHashTable? = nil
    ) throws -> [UInt8] {
        let proof = try ConsistencyProof.generate(oldSize: old, newSize: new, from: proofTree ?? tree ?? table)
        return AddCheckpointRequest(
            oldSize: old,
            consistencyProof: proof.hashes,
            checkpointNote: try note(new, tree: tree)
        )
        .serializedBytes
    }

    func record(_ size: UInt64, tree: MerkleNodeHashTable? = nil) throws -> [String: WitnessRecord] {
        [
            "example.org/log": WitnessRecord(
                origin: "example.org/log",
                size: size,
                rootHash: try (tree ?? table).rootHash(treeSize: size)
            )
        ]
    }
}

@Suite("C2SP tlog-witness decisions")
struct CheckpointWitnessTests {
    private let f = WitnessFixture()

    @Test("old 0 with an empty proof is cosigned for a log never seen; the cosignature verifies")
    func firstCheckpoint() throws {
        let decision = f.witness.decide(try f.body(old: 0, new: 13), records: [:], cosigner: f.cosigner)
        guard case .cosigned(let record, let cosignature) = decision else {
            Issue.record("expected a cosignature, got \(decision)")
            return
        }
        #expect(decision.httpStatus == 200)
        #expect(record == (try f.record(13))["example.org/log"])
        #expect(try CosignatureV1.timestamp(of: cosignature) == 1_790_000_000)
        let text = try SignedNote(parsing: try f.note(13)).text
        #expect(f.cosigner.verifier.isValidSignature(cosignature.signature, forNoteText: Array(text.utf8)))
        // The cosigned checkpoint opens with the witness key alone, as a client checks it.
        let cosigned = text + "\n" + cosignature.line
        #expect(
            try SignedNote.open(Array(cosigned.utf8), verifiers: [f.cosigner.verifier]).verifiedSignatures.count == 1
        )
    }

    @Test("a consistent larger checkpoint, and the same checkpoint again, are cosigned")
    func consistentGrowth() throws {
        for (old, new) in [(13, 40), (13, 13), (1, 2), (8, 16)] as [(UInt64, UInt64)] {
            let decision = f.witness.decide(
                try f.body(old: old, new: new),
                records: try f.record(old),
                cosigner: f.cosigner
            )
            guard case .cosigned(let record, _) = decision else {
                Issue.record("\(old)→\(new): expected a cosignature, got \(decision)")
                continue
            }
            #expect(record.size == new)
        }
    }

    @Test("old 0 with a non-empty proof is inconsistent (422)")
    func oldZeroWithProof() throws {
        let note = try f.note(13)
        let request = AddCheckpointRequest(
            oldSize: 0,
            consistencyProof: [MerkleTreeHasher.emptyTreeHash],
            checkpointNote: note
        )
        let decision = f.witness.decide(request.serializedBytes, records: [:], cosigner: f.cosigner)
        #expect(decision.httpStatus == 422, "\(decision)")
    }

    @Test("an old size other than the recorded one is a conflict naming the recorded size (409)")
    func staleOldSize() throws {
        // The log does not know the witness's state and starts from 0.
        #expect(
            f.witness.decide(try f.body(old: 0, new: 40), records: try f.record(13), cosigner: f.cosigner)
                == .staleOldSize(latestSize: 13)
        )
        // A rolled-back checkpoint: smaller than the recorded one, from an old size the witness has passed.
        #expect(
            f.witness.decide(try f.body(old: 5, new: 10), records: try f.record(13), cosigner: f.cosigner)
                == .staleOldSize(latestSize: 13)
        )
        // The witness never saw the log but the log claims it did.
        #expect(
            f.witness.decide(try f.body(old: 5, new: 10), records: [:], cosigner: f.cosigner)
                == .staleOldSize(latestSize: 0)
        )
    }

    @Test("a rolled-back checkpoint sent with the recorded old size is a bad request (400)")
    func rollbackWithRecordedSize() throws {
        let request = AddCheckpointRequest(oldSize: 13, consistencyProof: [], checkpointNote: try f.note(10))
        let decision = f.witness.decide(request.serializedBytes, records: try f.record(13), cosigner: f.cosigner)
        #expect(decision.httpStatus == 400, "\(decision)")
    }

    @Test("a fork with the recorded size but another root is a conflict (409)")
    func forkSameSize() throws {
        let decision = f.witness.decide(
            try f.body(old: 13, new: 13, tree: f.fork),
            records: try f.record(13),
            cosigner: f.cosigner
        )
        guard case .rootConflict(let size, _) = decision else {
            Issue.record("expected a root conflict, got \(decision)")
            return
        }
        #expect(size == 13)
        #expect(decision.httpStatus == 409)
    }

    @Test("a fork that grew past the recorded size does not prove consistency (422)")
    func forkGrown() throws {
        // The forked log's own honest proof from 13 to 40 does not lead to the root the witness recorded.
        let decision = f.witness.decide(
            try f.body(old: 13, new: 40, tree: f.fork),
            records: try f.record(13),
            cosigner: f.cosigner
        )
        #expect(decision.httpStatus == 422, "\(decision)")
        // Nor does the real log's proof attached to the fork's checkpoint.
        let mixed = f.witness.decide(
            try f.body(old: 13, new: 40, tree: f.fork, proofTree: f.table),
            records: try f.record(13),
            cosigner: f.cosigner
        )
        #expect(mixed.httpStatus == 422, "\(mixed)")
    }

    @Test("an unknown origin is 404; a checkpoint without a trusted signature is 403")
    func unknownAndUntrusted() throws {
        let stranger = try Ed25519NoteSigner(keyName: "example.org/log", seed: [UInt8](repeating: 8, count: 32))
        let unknown = AddCheckpointRequest(
            oldSize: 0,
            consistencyProof: [],
            checkpointNote: try f.note(5, origin: "other.example/log")
        )
        #expect(f.witness.decide(unknown.serializedBytes, records: [:], cosigner: f.cosigner).httpStatus == 404)
        let untrusted = AddCheckpointRequest(
            oldSize: 0,
            consistencyProof: [],
            checkpointNote: try f.note(5, signer: stranger)
        )
        let decision = f.witness.decide(untrusted.serializedBytes, records: [:], cosigner: f.cosigner)
        #expect(decision == .untrusted("note has no signature by a known key"))
        #expect(decision.httpStatus == 403)
        // A signature by the trusted key name and ID that does not verify is refused the same way.
        var forged = try SignedNote(parsing: try f.note(5))
        forged.signatures[0].signature[0] ^= 1
        let bad = AddCheckpointRequest(oldSize: 0, consistencyProof: [], checkpointNote: try forged.serializedBytes())
        #expect(f.witness.decide(bad.serializedBytes, records: [:], cosigner: f.cosigner).httpStatus == 403)
    }

    @Test("malformed bodies and old sizes above the checkpoint are bad requests (400)")
    func malformed() throws {
        for body in ["", "old 1\n", "old 0\n\nnot a note\n"] {
            #expect(f.witness.decide(Array(body.utf8), records: [:], cosigner: f.cosigner).httpStatus == 400, "\(body)")
        }
        let above = AddCheckpointRequest(oldSize: 20, consistencyProof: [], checkpointNote: try f.note(13))
        #expect(
            f.witness.decide(above.serializedBytes, records: try f.record(20), cosigner: f.cosigner).httpStatus == 400
        )
    }

    @Test("a signer key from custos keygen makes the same cosigner")
    func signerKey() throws {
        let key = try Ed25519NoteSigner(keyName: "witness.example/w1", seed: [UInt8](repeating: 9, count: 32)).signerKey
        let cosigner = try CosignatureV1Signer(signerKey: key, timestamp: 1_790_000_000)
        #expect(cosigner.verifier == f.cosigner.verifier)
        #expect(
            try cosigner.signature(forNoteText: Array("x\n".utf8))
                == (try f.cosigner.signature(forNoteText: Array("x\n".utf8)))
        )
    }
}
