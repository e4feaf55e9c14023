import CustosCore
import CustosLedger
import CustosServer
import CustosTestKit
import Foundation
import Testing

@Suite("Witness service and configuration")
struct WitnessServiceTests {
    static let logSigner = try! Ed25519NoteSigner(keyName: "example.org/log", seed: [UInt8](repeating: 3, count: 32))
    static let witnessKey = try! Ed25519NoteSigner(
        keyName: "witness.example/w1",
        seed: [UInt8](repeating: 4, count: 32)
    )
    .signerKey
    static let table = MerkleNodeHashTable(leafHashes: (0..<20).map { MerkleTreeHasher.leafHash(of: [UInt8($0)]) })

    static func body(old: UInt64, new: UInt64) throws -> [UInt8] {
        let note = try Checkpoint(origin: "example.org/log", size: new, rootHash: try table.rootHash(treeSize: new))
            .sign(signers: [logSigner]).serializedBytes()
        let proof = try ConsistencyProof.generate(oldSize: old, newSize: new, from: table)
        return AddCheckpointRequest(oldSize: old, consistencyProof: proof.hashes, checkpointNote: note).serializedBytes
    }

    static func service(_ dir: TemporaryDirectory) throws -> WitnessService {
        try WitnessService(
            logs: [WitnessedLog(origin: "example.org/log", verifiers: [logSigner.verifier])],
            signerKey: witnessKey,
            stateFile: WitnessStateFile(path: dir.path + "/state.json"),
            clock: { 1_790_000_000 }
        )
    }

    @Test("a cosigned checkpoint is on disk before the answer, and a restarted witness refuses a rollback")
    func durableState() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let first = try Self.service(dir)
        #expect(try await first.addCheckpoint(try Self.body(old: 0, new: 12)).httpStatus == 200)
        #expect(try await first.addCheckpoint(try Self.body(old: 12, new: 15)).httpStatus == 200)
        #expect(try WitnessStateFile(path: dir.path + "/state.json").load()["example.org/log"]?.size == 15)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/state.json.tmp"))

        let restarted = try Self.service(dir)
        #expect(await restarted.record(origin: "example.org/log")?.size == 15)
        #expect(try await restarted.addCheckpoint(try Self.body(old: 0, new: 10)) == .staleOldSize(latestSize: 15))
        #expect(try await restarted.addCheckpoint(try Self.body(old: 15, new: 20)).httpStatus == 200)
        #expect(restarted.verifierKey.hasPrefix("witness.example/w1+"))
        #expect(
            try NoteVerifierKey(parsing: restarted.verifierKey).signatureType == NoteKeys.cosignatureV1SignatureType
        )
    }

    @Test("a state file that is not the witness's is an error, not an empty state")
    func corruptState() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        FileManager.default.createFile(atPath: dir.path + "/state.json", contents: Data("{\"version\":1".utf8))
        #expect(throws: WitnessStateError.self) { try Self.service(dir) }
    }

    @Test("witness and log configs name the bad field")
    func configurationErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let vkey = Self.logSigner.verifier.verifierKey
        let cases: [(String, String)] = [
            ("{\"key\":\"k\",\"state\":\"s\",\"logs\":[]}", "logs"),
            ("{\"state\":\"s\",\"logs\":[{\"origin\":\"o\",\"key\":\"\(vkey)\"}]}", "key"),
            ("{\"key\":\"k\",\"state\":\"s\",\"logs\":[{\"origin\":\"o\",\"key\":\"nope\"}]}", "logs[0].key"),
            ("{\"key\":\"k\",\"state\":\"s\",\"logs\":[{\"origin\":\"o\",\"key\":\"\(vkey)\",\"x\":1}]}", "logs[0].x"),
            (
                "{\"key\":\"k\",\"state\":\"s\",\"port\":70000,\"logs\":[{\"origin\":\"o\",\"key\":\"\(vkey)\"}]}",
                "port"
            ),
        ]
        for (text, field) in cases {
            let path = dir.path + "/w.json"
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            #expect(throws: ConfigurationError.self) { try WitnessConfiguration.load(path: path) }
            do { _ = try WitnessConfiguration.load(path: path) } catch let e as ConfigurationError {
                #expect(e.field == field, "\(text)")
            }
        }
        let good = dir.path + "/good.json"
        FileManager.default.createFile(
            atPath: good,
            contents: Data(
                "{\"key\":\"k\",\"state\":\"/abs/s\",\"logs\":[{\"origin\":\"o\",\"key\":\"\(vkey)\"}]}".utf8
            )
        )
        let config = try WitnessConfiguration.load(path: good)
        #expect(config.keyPath == dir.path + "/k" && config.statePath == "/abs/s" && config.logs.count == 1)

        // The log side: a witness key must be a cosignature/v1 key.
        let cosignerKey = try CosignatureV1Signer(signerKey: Self.witnessKey, timestamp: 0).verifier.verifierKey
        let server = dir.path + "/server.json"
        FileManager.default.createFile(
            atPath: server,
            contents: Data(
                "{\"witnesses\":[{\"name\":\"w1\",\"url\":\"http://127.0.0.1:1\",\"key\":\"\(vkey)\"}]}".utf8
            )
        )
        do {
            _ = try ServerConfiguration.load(path: server)
            Issue.record("an Ed25519 log key was accepted as a witness key")
        } catch let e as ConfigurationError {
            #expect(e.field == "witnesses[0].key")
        }
        FileManager.default.createFile(
            atPath: server,
            contents: Data(
                "{\"witnesses\":[{\"name\":\"w1\",\"url\":\"http://127.0.0.1:1/\",\"key\":\"\(cosignerKey)\"}]}".utf8
            )
        )
        let loaded = try ServerConfiguration.load(path: server)
        #expect(loaded.witnesses.map(\.url) == ["http://127.0.0.1:1"])
    }
}
