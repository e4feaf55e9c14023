import CustosCore
import CustosLedger
import CustosSQLite
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

@Suite("Ledger verification")
struct LedgerVerifyTests {
    /// A store of 600 events (over two full tiles) with two signed checkpoints, and its signer.
    static func makeStore() async throws -> (SQLiteStore, Ed25519NoteSigner) {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let signer = try Ed25519NoteSigner.generate(keyName: "custos.test/log")
        let received = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch)
        for (start, count) in [(0, 300), (300, 300)] {
            _ = try await store.append([EventFixtures.numbered(count, from: start)], received: received)
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
        return (store, signer)
    }

    static func tamper(_ store: SQLiteStore, _ sql: String) throws {
        let queue = try DatabaseQueue.sideConnection(store.path)
        try queue.write { try $0.execute(sql: sql) }
    }

    @Test func anUntouchedStoreVerifies() async throws {
        let (store, signer) = try await Self.makeStore()
        let result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.problems == [])
        #expect(result.treeSize == 600)
        #expect(result.checkpointsVerified == 2)
        #expect(result.latestCheckpoint?.size == 600)
        #expect(result.rootHash == (try await store.ledgerHead()).rootHash)
    }

    @Test func alteredInteriorNodesOfALeafTileAreNamed() async throws {
        let (store, signer) = try await Self.makeStore()
        try Self.tamper(store, "UPDATE tile_interiors SET data = zeroblob(8160) WHERE idx = 1")
        let result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(!result.isValid)
        #expect(result.problems.contains { $0.contains("interior nodes of leaf tile 1") })
        #expect(result.firstBadEntry == 511)
    }

    @Test func leafTilesWithoutStoredInteriorNodesVerify() async throws {
        let (store, signer) = try await Self.makeStore()
        try Self.tamper(store, "DELETE FROM tile_interiors")
        let result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.problems == [])
    }

    @Test func anAlteredEventBodyIsNamed() async throws {
        let (store, signer) = try await Self.makeStore()
        try Self.tamper(
            store,
            """
            UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'officer-1', 'officer-2') AS BLOB) WHERE seq = 417
            """
        )
        let result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.firstBadEntry == 417)
        #expect(result.problems.first?.contains("entry 417") == true)
    }

    @Test func aDeletedRowIsNamed() async throws {
        let (store, signer) = try await Self.makeStore()
        try Self.tamper(store, "DELETE FROM events WHERE seq = 42")
        let result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.firstBadEntry == 42)
        #expect(result.problems.first?.contains("entry 42 was removed") == true)
    }

    @Test func aDeletedLastRowIsNamed() async throws {
        let (store, signer) = try await Self.makeStore()
        try Self.tamper(store, "DELETE FROM events WHERE seq = 599")
        let result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.firstBadEntry == 599)
        #expect(!result.isValid)
    }

    @Test func swappedRowsAreNamed() async throws {
        let (store, signer) = try await Self.makeStore()
        try Self.tamper(
            store,
            """
            UPDATE events SET seq = -1 WHERE seq = 7;
            UPDATE events SET seq = 7 WHERE seq = 3;
            UPDATE events SET seq = 3 WHERE seq = -1;
            """
        )
        let result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.firstBadEntry == 3)
    }

    @Test func aRewrittenLeafColumnDoesNotHideTheChange() async throws {
        let (store, signer) = try await Self.makeStore()
        // Alter the event and replace its stored leaf with garbage: the tiles and checkpoints still catch it.
        try Self.tamper(
            store,
            """
            UPDATE events SET body = CAST(replace(CAST(body AS TEXT), '"rows":', '"rows":9') AS BLOB),
            leaf = zeroblob(32) WHERE seq = 300
            """
        )
        let result = try await store.verifyLedger(verifiers: [signer.verifier], previous: nil)
        #expect(result.firstBadEntry == 300)
    }

    @Test func anotherKeyOrAnInconsistentStateFails() async throws {
        let (store, signer) = try await Self.makeStore()
        let other = try Ed25519NoteSigner.generate(keyName: "custos.test/log")
        let wrongKey = try await store.verifyLedger(verifiers: [other.verifier], previous: nil)
        #expect(!wrongKey.isValid)
        #expect(wrongKey.problems.first?.contains("does not verify") == true)
        let forked = Checkpoint(origin: "custos.test/log", size: 300, rootHash: MerkleTreeHasher.emptyTreeHash)
        let inconsistent = try await store.verifyLedger(verifiers: [signer.verifier], previous: forked)
        #expect(inconsistent.problems.contains { $0.contains("not consistent") })
        let beyond = Checkpoint(origin: "custos.test/log", size: 700, rootHash: MerkleTreeHasher.emptyTreeHash)
        #expect(!(try await store.verifyLedger(verifiers: [signer.verifier], previous: beyond)).isValid)
        let head = try await store.ledgerHead()
        let good = Checkpoint(origin: "custos.test/log", size: head.size, rootHash: head.rootHash)
        #expect(try await store.verifyLedger(verifiers: [signer.verifier], previous: good).isValid)
    }
}

@Suite("Ledger migration")
struct LedgerMigrationTests {
    @Test func eventsStoredBeforeTheLedgerAreBackfilled() async throws {
        let dir = try TemporaryDirectory()
        let received = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch)
        let path: String
        do {
            let store = try SQLiteStore(directory: dir.path)
            _ = try await store.append([EventFixtures.numbered(300)], received: received)
            path = store.path
        }
        // Turn the file back into a version-1 store: no ledger tables or columns, no ledger migration recorded.
        let queue = try DatabaseQueue.sideConnection(path)
        try await queue.write { db in
            for sql in [
                "DROP TABLE ledger_state", "DROP TABLE tiles", "DROP TABLE entry_bundles", "DROP TABLE checkpoints",
                "ALTER TABLE events DROP COLUMN salts", "ALTER TABLE events DROP COLUMN leaf",
                "DELETE FROM grdb_migrations WHERE identifier = 'v2-ledger'",
            ] { try db.execute(sql: sql) }
        }
        try queue.close()
        let store = try SQLiteStore(directory: dir.path)
        #expect(try await store.ledgerHead().size == 300)
        let result = try await store.verifyLedger(verifiers: [], previous: nil)
        #expect(result.problems == [])
        #expect(result.treeSize == 300)
        // New events continue the tree.
        _ = try await store.append([EventFixtures.numbered(5, from: 300)], received: received)
        #expect(try await store.ledgerHead().size == 305)
        #expect(try await store.verifyLedger(verifiers: [], previous: nil).isValid)
    }
}
