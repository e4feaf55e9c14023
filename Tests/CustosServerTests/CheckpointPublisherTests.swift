import CustosCore
import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Testing

/// A settable clock for the publisher.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64 = 1_795_420_800_000

    var read: Timestamp { lock.withLock { Timestamp(millisecondsSinceEpoch: now) } }
    func advance(seconds: Int64) { lock.withLock { now += seconds * 1000 } }
}

@Suite("Checkpoint publisher")
struct CheckpointPublisherTests {
    @Test func signsWhenTheIntervalPassesOrEnoughEntriesArrive() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let signer = try Ed25519NoteSigner.generate(keyName: "custos.test/log")
        let clock = TestClock()
        let publisher = CheckpointPublisher(
            store: store,
            signer: signer,
            origin: "custos.test/log",
            intervalSeconds: 5,
            entries: 100,
            clock: { clock.read }
        )
        let received = clock.read
        // The first checkpoint is due at once, even for the empty tree.
        #expect(try await publisher.publishIfDue()?.size == 0)
        #expect(try await publisher.publishIfDue() == nil)
        _ = try await store.append([EventFixtures.numbered(10)], received: received)
        #expect(try await publisher.publishIfDue() == nil)  // neither 5 s nor 100 entries
        clock.advance(seconds: 5)
        #expect(try await publisher.publishIfDue()?.size == 10)
        _ = try await store.append([EventFixtures.numbered(100, from: 10)], received: received)
        #expect(try await publisher.publishIfDue()?.size == 110)  // 100 entries, no time passed
        clock.advance(seconds: 60)
        #expect(try await publisher.publishIfDue() == nil)  // nothing new
        #expect(try await publisher.publishIfGrown() == nil)
        _ = try await store.append([EventFixtures.numbered(1, from: 110)], received: received)
        #expect(try await publisher.publishIfGrown()?.size == 111)
        let all = try await store.checkpoints(limit: 10)
        #expect(all.map(\.size) == [111, 110, 10, 0])
        for c in all {
            let opened = try Checkpoint.open(
                Array(c.note.utf8),
                origin: "custos.test/log",
                verifiers: [signer.verifier]
            )
            #expect(opened.checkpoint.size == c.size && opened.checkpoint.rootHash == c.rootHash)
        }
    }

    @Test func keyFilesAreWrittenPrivatelyAndNeverOverwritten() throws {
        let dir = try TemporaryDirectory()
        let keys = dir.path + "/keys"
        let (signer, created) = try LedgerKeyFiles.loadOrCreate(directory: keys, origin: "example.org/log")
        #expect(created)
        let mode = try FileManager.default.attributesOfItem(atPath: keys + "/signer.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let again = try LedgerKeyFiles.loadOrCreate(directory: keys, origin: "example.org/log")
        #expect(!again.created && again.signer.signerKey == signer.signerKey)
        #expect(throws: LedgerKeyError.self) { try LedgerKeyFiles.generate(origin: "example.org/log", directory: keys) }
        let vkey = try LedgerKeyFiles.loadVerifierKey(path: keys + "/verifier.vkey")
        #expect(vkey.description == signer.verifier.verifierKey)
    }
}
