import CustosCore
import CustosLedger
import CustosSQLite
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

@Suite("Ledger tree verification and ledger-off ingest")
struct LedgerTreeVerifyTests {
    static func entry(_ i: Int) -> LedgerEntry {
        LedgerEntry(
            sequenceNumber: UInt64(i),
            eventTimeMilliseconds: 1_790_000_000_000 + Int64(i),
            commitment: MerkleTreeHasher.leafHash(of: Array(String(i).utf8))
        )
    }

    /// A store of 1,001 entries written without events in three appends (a partial tile filled across appends),
    /// with a signed checkpoint after each, and its signer.
    static func makeStore() async throws -> (SQLiteStore, Ed25519NoteSigner, [LedgerEntry]) {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let signer = try Ed25519NoteSigner.generate(keyName: "custos.test/log")
        var all: [LedgerEntry] = []
        for range in [0..<300, 300..<301, 301..<1001] {
            let entries = range.map(Self.entry)
            all += entries
            try await store.appendLedgerEntriesWithoutEvents(entries)
            let head = try await store.ledgerHead()
            let note = try Checkpoint(origin: "custos.test/log", size: head.size, rootHash: head.rootHash)
                .sign(signers: [signer])
            try await store.addCheckpoint(
                StoredCheckpoint(
                    size: head.size,
                    rootHash: head.rootHash,
                    createdMilliseconds: 0,
                    note: String(decoding: try note.serializedBytes(), as: UTF8.self)
                )
            )
        }
        return (store, signer, all)
    }

    static func tamper(_ store: SQLiteStore, _ sql: String) throws {
        let queue = try DatabaseQueue.sideConnection(store.path)
        try queue.write { try $0.execute(sql: sql) }
    }

    @Test func anUntouchedTreeVerifiesAndHasTheReferenceRoot() async throws {
        let (store, signer, entries) = try await Self.makeStore()
        let result = try await store.verifyLedgerTree(verifiers: [signer.verifier])
        #expect(result.problems == [])
        #expect(result.treeSize == 1001)
        #expect(result.checkpointsVerified == 3)
        #expect(result.latestCheckpoint?.size == 1001)
        #expect(result.rootHash == MerkleTreeHasher.rootHash(ofLeafHashes: entries.map(\.leafHash)))
    }

    @Test func anAlteredEntryIsNamed() async throws {
        let (store, signer, _) = try await Self.makeStore()
        // Entry 517 is the 6th of bundle 2: flip a bit of its commitment (each item is u16be(49) ‖ entry).
        let queue = try DatabaseQueue.sideConnection(store.path)
        try await queue.write { db in
            var data = [UInt8](try Data.fetchOne(db, sql: "SELECT data FROM entry_bundles WHERE idx = 2")!)
            data[(517 - 512) * 51 + 2 + 17] ^= 0x01
            try db.execute(sql: "UPDATE entry_bundles SET data = ? WHERE idx = 2", arguments: [Data(data)])
        }
        let result = try await store.verifyLedgerTree(verifiers: [signer.verifier])
        #expect(result.firstBadEntry == 517)
        #expect(result.problems.first?.contains("entry 517") == true)
    }

    @Test func aTileOrCheckpointThatDisagreesFails() async throws {
        let (store, signer, _) = try await Self.makeStore()
        try Self.tamper(store, "UPDATE tiles SET data = zeroblob(length(data)) WHERE level = 1 AND idx = 0")
        let result = try await store.verifyLedgerTree(verifiers: [signer.verifier])
        #expect(!result.isValid)
        #expect(result.problems.contains { $0.contains("level 1") })

        let other = try Ed25519NoteSigner.generate(keyName: "custos.test/log")
        let (fresh, _, _) = try await Self.makeStore()
        let unsigned = try await fresh.verifyLedgerTree(verifiers: [other.verifier])
        #expect(unsigned.checkpointsVerified == 0)
        #expect(unsigned.problems.count == 3)
    }

    @Test func aStoreWithTheLedgerOffStoresEventsButNoLeaves() async throws {
        let dir = try TemporaryDirectory()
        var options = SQLiteStore.Options()
        options.ledger = false
        let store = try SQLiteStore(directory: dir.path, options: options)
        let received = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch)
        let results = try await store.append([EventFixtures.numbered(50, from: 0)], received: received)
        guard case .accepted(let receipt)? = results.first else {
            Issue.record("not accepted: \(results)")
            return
        }
        #expect(receipt.stored == 50)
        #expect(try await store.ledgerHead().size == 0)
        let queue = try DatabaseQueue.sideConnection(store.path)
        let counts = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE leaf IS NOT NULL OR salts IS NOT NULL")
                    ?? -1
            )
        }
        #expect(counts.0 == 50)
        #expect(counts.1 == 0)
    }
}
