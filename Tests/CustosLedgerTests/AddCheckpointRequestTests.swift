import Testing

@testable import CustosLedger

private struct WitnessExamples: Decodable {
    struct Examples: Decodable {
        var witness_add_checkpoint_request_body: String
        var witness_add_checkpoint_response_body: String
        var checkpoint: String
    }
    var examples: Examples
}

@Suite("C2SP tlog-witness add-checkpoint")
struct AddCheckpointRequestTests {
    @Test("the spec's example request parses and re-serialises byte for byte; its response lines parse")
    func specExample() throws {
        let examples = try Conformance.decode(WitnessExamples.self, from: "c2sp/spec-format-examples.json").examples
        let body = Array(examples.witness_add_checkpoint_request_body.utf8)
        let request = try AddCheckpointRequest(parsing: body)
        #expect(request.oldSize == 20_852_014)
        #expect(request.consistencyProof.count == 4)
        #expect(request.consistencyProof[0].base64String == "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=")
        #expect(request.serializedBytes == body)
        let note = try SignedNote(parsing: request.checkpointNote)
        #expect(try Checkpoint(parsing: note.text).size == 20_852_163)
        #expect(note.signatures.count == 2)

        // A client appends the response's signature lines to the checkpoint to parse them.
        let checkpointText = try SignedNote(parsing: examples.checkpoint).text
        let cosigned = try SignedNote(parsing: checkpointText + "\n" + examples.witness_add_checkpoint_response_body)
        #expect(
            cosigned.signatures.map(\.keyName) == ["witness.example/w1", "witness.example/w1", "witness.example/w2"]
        )
    }

    @Test("malformed request bodies are rejected")
    func malformed() throws {
        let hash = MerkleTreeHasher.emptyTreeHash.base64String
        let note = "o\n1\n\(hash)\n\n\u{2014} o AAAAAAA=\n"
        for bad in [
            "old 01\n\n\(note)", "old -1\n\n\(note)", "old\n\n\(note)", "olds 1\n\n\(note)", "old 1\n\(hash)\n",
            "old 1\nAAAA\n\n\(note)", "old 1\n\n", "\n\(note)", "old 1", "old 18446744073709551616\n\n\(note)",
            "old 1\n" + String(repeating: hash + "\n", count: 64) + "\n" + note,
        ] {
            expectLedgerError(.malformedWitnessRequest) { try AddCheckpointRequest(parsing: Array(bad.utf8)) }
        }
        let maximal = "old 1\n" + String(repeating: hash + "\n", count: 63) + "\n" + note
        #expect(try AddCheckpointRequest(parsing: Array(maximal.utf8)).consistencyProof.count == 63)
    }

    @Test("witness consistency rules: from 0, equal sizes, real proofs, the empty tree")
    func consistencyRules() throws {
        let leafHashes = (0..<40).map { MerkleTreeHasher.leafHash(of: [UInt8($0)]) }
        let table = MerkleNodeHashTable(leafHashes: leafHashes)
        func checkpoint(_ size: UInt64) throws -> Checkpoint {
            Checkpoint(origin: "o", size: size, rootHash: try table.rootHash(treeSize: size))
        }
        func request(_ old: UInt64, _ new: UInt64) throws -> AddCheckpointRequest {
            let proof = try ConsistencyProof.generate(oldSize: old, newSize: new, from: table)
            return AddCheckpointRequest(oldSize: old, consistencyProof: proof.hashes, checkpointNote: [])
        }
        let unused = MerkleTreeHasher.emptyTreeHash
        // From 0: an empty proof is accepted (RFC 9162's verifier would refuse it; the witness protocol does not).
        try request(0, 40).verifyConsistency(oldRoot: unused, checkpoint: try checkpoint(40))
        try request(0, 0).verifyConsistency(oldRoot: unused, checkpoint: try checkpoint(0))
        var nonEmptyFromZero = try request(0, 40)
        nonEmptyFromZero.consistencyProof = [unused]
        expectLedgerError(.invalidProof) {
            try nonEmptyFromZero.verifyConsistency(oldRoot: unused, checkpoint: try checkpoint(40))
        }
        // Size-0 checkpoints must carry the empty root.
        expectLedgerError(.rootMismatch) {
            try request(0, 0).verifyConsistency(
                oldRoot: unused,
                checkpoint: Checkpoint(origin: "o", size: 0, rootHash: leafHashes[0])
            )
        }
        // Equal sizes: roots must match.
        try request(17, 17).verifyConsistency(oldRoot: try table.rootHash(treeSize: 17), checkpoint: try checkpoint(17))
        expectLedgerError(.rootMismatch) {
            try request(17, 17).verifyConsistency(oldRoot: leafHashes[0], checkpoint: try checkpoint(17))
        }
        // Real proofs.
        for old in UInt64(1)..<40 {
            try request(old, 40).verifyConsistency(
                oldRoot: try table.rootHash(treeSize: old),
                checkpoint: try checkpoint(40)
            )
        }
        #expect(throws: LedgerError.self) {
            try request(5, 40).verifyConsistency(
                oldRoot: try table.rootHash(treeSize: 6),
                checkpoint: try checkpoint(40)
            )
        }
        // Old size above the checkpoint: bad request.
        let backwards = AddCheckpointRequest(oldSize: 41, consistencyProof: [], checkpointNote: [])
        expectLedgerError(.invalidArgument) {
            try backwards.verifyConsistency(oldRoot: unused, checkpoint: try checkpoint(40))
        }
    }
}
