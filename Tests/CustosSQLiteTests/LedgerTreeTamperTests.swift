import CustosCore
import CustosLedger
import CustosSQLite
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

/// The tile-at-a-time tree verifier (`verifyLedgerTree`) against every kind of tampering with the tree layer: each
/// must fail and, where an entry is at fault, name the first bad one.
@Suite("Ledger tree verification catches each kind of tampering")
struct LedgerTreeTamperTests {
    /// A store of `count` entries appended in the given steps, a signed checkpoint after each step, its directory
    /// and signer.
    static func makeStore(
        steps: [Int] = [300, 301, 1001]
    ) async throws -> (SQLiteStore, TemporaryDirectory, Ed25519NoteSigner, [TreeHash]) {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let signer = try Ed25519NoteSigner.generate(keyName: "custos.test/log")
        var leaves: [TreeHash] = []
        for end in steps {
            let entries = (leaves.count..<end).map(LedgerTreeVerifyTests.entry)
            leaves += entries.map(\.leafHash)
            try await store.appendLedgerEntriesWithoutEvents(entries)
            try await sign(store, signer: signer, size: UInt64(end), root: try await store.ledgerHead().rootHash)
        }
        return (store, dir, signer, leaves)
    }

    static func sign(_ store: SQLiteStore, signer: Ed25519NoteSigner, size: UInt64, root: TreeHash) async throws {
        let note = try Checkpoint(origin: "custos.test/log", size: size, rootHash: root).sign(signers: [signer])
        try await store.addCheckpoint(
            StoredCheckpoint(
                size: size,
                rootHash: root,
                createdMilliseconds: 0,
                note: String(decoding: try note.serializedBytes(), as: UTF8.self)
            )
        )
    }

    /// Rewrites the blob `column` of the row found by `where`, changing its bytes with `change`.
    static func edit(_ store: SQLiteStore, _ table: String, _ where: String, _ change: (inout [UInt8]) -> Void) throws {
        let queue = try DatabaseQueue.sideConnection(store.path)
        try queue.write { db in
            var data = [UInt8](try #require(try Data.fetchOne(db, sql: "SELECT data FROM \(table) WHERE \(`where`)")))
            change(&data)
            try db.execute(sql: "UPDATE \(table) SET data = ? WHERE \(`where`)", arguments: [Data(data)])
        }
    }

    static func run(_ sql: String, on store: SQLiteStore) throws {
        let queue = try DatabaseQueue.sideConnection(store.path)
        try queue.write { try $0.execute(sql: sql) }
    }

    static func verify(_ store: SQLiteStore, _ signer: Ed25519NoteSigner) async throws -> LedgerVerification {
        try await store.verifyLedgerTree(verifiers: [signer.verifier])
    }

    /// Offset of entry `i`'s first entry byte (after its u16be length) in its bundle.
    static func at(_ i: Int) -> Int { (i % 256) * 51 + 2 }

    @Test func aTreeOfThreeTileLevelsVerifiesWithCheckpointsInsideBundles() async throws {
        let (store, _, signer, leaves) = try await Self.makeStore(steps: [65_535, 65_536, 65_700, 66_001])
        let result = try await Self.verify(store, signer)
        #expect(result.problems == [])
        #expect(result.checkpointsVerified == 4)
        #expect(result.treeSize == 66_001)
        #expect(result.rootHash == MerkleTreeHasher.rootHash(ofLeafHashes: leaves))
    }

    @Test func twoEntriesSwappedInABundleNameTheFirst() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        try Self.edit(store, "entry_bundles", "idx = 1") { data in
            let a = Array(data[Self.at(300) - 2..<Self.at(300) + 49])
            let b = Array(data[Self.at(301) - 2..<Self.at(301) + 49])
            data.replaceSubrange(Self.at(300) - 2..<Self.at(300) + 49, with: b)
            data.replaceSubrange(Self.at(301) - 2..<Self.at(301) + 49, with: a)
        }
        let result = try await Self.verify(store, signer)
        #expect(result.firstBadEntry == 300)
        #expect(result.problems.first?.contains("entry 300") == true)
    }

    @Test func anAlteredLeafBeforeAMalformedEntryIsTheFirstBad() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        try Self.edit(store, "entry_bundles", "idx = 2") { data in
            data[Self.at(520) + 30] ^= 0x80  // commitment of 520
            data[Self.at(530) - 1] = 48  // length prefix of 530
        }
        let result = try await Self.verify(store, signer)
        #expect(result.firstBadEntry == 520)
    }

    @Test func aMalformedEntryIsNamed() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        try Self.edit(store, "entry_bundles", "idx = 3") { $0[Self.at(800)] = 0x02 }  // version byte
        let result = try await Self.verify(store, signer)
        #expect(result.firstBadEntry == 800)
        #expect(result.problems.first?.contains("malformed") == true)
    }

    @Test func aRemovedBundleIsAGap() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        try Self.run("DELETE FROM entry_bundles WHERE idx = 1", on: store)
        let result = try await Self.verify(store, signer)
        #expect(result.firstBadEntry == 256)
        #expect(result.problems.first?.contains("does not follow") == true)
    }

    @Test func aTruncatedBundleIsCaught() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        try Self.edit(store, "entry_bundles", "idx = 0") { $0.removeLast(51) }
        let result = try await Self.verify(store, signer)
        #expect(result.firstBadEntry == 0)
        #expect(!result.isValid)
    }

    @Test func theTruncatedTailFailsAgainstTheCheckpointsAndState() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        try Self.run("DELETE FROM entry_bundles WHERE idx = 3", on: store)
        let result = try await Self.verify(store, signer)
        #expect(!result.isValid)
        #expect(result.treeSize == 768)
        #expect(result.problems.contains { $0.contains("stored tree") })
    }

    @Test func alteredInteriorNodesOfALeafTileAreCaught() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        #expect(try await Self.verify(store, signer).problems == [])
        try Self.edit(store, "tile_interiors", "idx = 2") { $0[130 * 32 + 7] ^= 0x01 }  // a level-2 node
        let result = try await Self.verify(store, signer)
        #expect(!result.isValid)
        #expect(result.problems.first?.contains("interior nodes of leaf tile 2") == true)
    }

    /// The interior nodes of a full level-1 tile are stored with it (migration v6-upper-tile-interiors) and checked:
    /// altered, the verifier names the tile; deleted, the tree still verifies.
    @Test func alteredInteriorNodesOfALevelOneTileAreCaught() async throws {
        let (store, _, signer, _) = try await Self.makeStore(steps: [40_000, 65_536 + 10])
        #expect(try await Self.verify(store, signer).problems == [])
        try Self.edit(store, "upper_tile_interiors", "level = 1 AND idx = 0") { $0[200 * 32 + 3] ^= 0x01 }
        let result = try await Self.verify(store, signer)
        #expect(!result.isValid)
        #expect(result.problems.first?.contains("interior nodes of tile 1/0") == true)
        #expect(result.firstBadEntry == 65_535)
        try Self.run("DELETE FROM upper_tile_interiors", on: store)
        #expect(try await Self.verify(store, signer).problems == [])
    }

    @Test func leafTilesWithoutStoredInteriorNodesStillVerify() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        try Self.run("DELETE FROM tile_interiors WHERE idx = 1", on: store)
        let result = try await Self.verify(store, signer)
        #expect(result.problems == [])
        #expect(result.isValid)
    }

    @Test func anAlteredLeafInALevelZeroTileIsNamed() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        try Self.edit(store, "tiles", "level = 0 AND idx = 1") { $0[(300 - 256) * 32 + 5] ^= 0x01 }
        let result = try await Self.verify(store, signer)
        #expect(result.firstBadEntry == 300)
        #expect(result.problems.first?.contains("does not reproduce leaf 300") == true)
    }

    @Test func anAlteredLeafInThePartialRightEdgeTileIsNamed() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        try Self.edit(store, "tiles", "level = 0 AND idx = 3") { $0[(1000 - 768) * 32] ^= 0x01 }
        let result = try await Self.verify(store, signer)
        #expect(result.firstBadEntry == 1000)
    }

    @Test func aMissingOrShortLevelZeroTileIsNamed() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        try Self.run("DELETE FROM tiles WHERE level = 0 AND idx = 2", on: store)
        var result = try await Self.verify(store, signer)
        #expect(result.firstBadEntry == 512)

        let (other, _, otherSigner, _) = try await Self.makeStore()
        try Self.edit(other, "tiles", "level = 0 AND idx = 1") { $0.removeLast(32 * 10) }
        result = try await Self.verify(other, otherSigner)
        #expect(result.firstBadEntry == 502)
    }

    @Test func anAlteredHigherTileNodeIsNamedByItsLevelAndIndex() async throws {
        let (store, _, signer, _) = try await Self.makeStore(steps: [66_001])
        try Self.edit(store, "tiles", "level = 1 AND idx = 0") { $0[3 * 32] ^= 0x01 }
        var result = try await Self.verify(store, signer)
        #expect(result.problems.first?.contains("level 1 index 3") == true)
        #expect(result.firstBadEntry == 4 * 256 - 1)

        let (other, _, otherSigner, _) = try await Self.makeStore(steps: [66_001])
        try Self.edit(other, "tiles", "level = 2 AND idx = 0") { $0[0] ^= 0x01 }
        result = try await Self.verify(other, otherSigner)
        #expect(result.problems.first?.contains("level 2 index 0") == true)
        #expect(result.firstBadEntry == 65_535)
    }

    @Test func aCheckpointForAnotherRootOrBeyondTheTreeFails() async throws {
        let (store, _, signer, leaves) = try await Self.makeStore()
        try await Self.sign(store, signer: signer, size: 700, root: leaves[0])
        var result = try await Self.verify(store, signer)
        #expect(result.checkpointsVerified == 3)
        #expect(result.problems == ["the signed checkpoint of size 700 does not match the rebuilt tree"])

        let (other, _, otherSigner, otherLeaves) = try await Self.makeStore()
        try await Self.sign(other, signer: otherSigner, size: 5000, root: otherLeaves[1])
        result = try await Self.verify(other, otherSigner)
        #expect(result.checkpointsVerified == 3)
        #expect(result.problems.contains { $0.contains("size 5000 is beyond") })
    }

    @Test func anAlteredStoredFrontierFails() async throws {
        let (store, _, signer, _) = try await Self.makeStore()
        let queue = try DatabaseQueue.sideConnection(store.path)
        try await queue.write { db in
            var data = [UInt8](try #require(try Data.fetchOne(db, sql: "SELECT frontier FROM ledger_state")))
            data[data.count - 1] ^= 0x01
            try db.execute(sql: "UPDATE ledger_state SET frontier = ?", arguments: [Data(data)])
        }
        let result = try await Self.verify(store, signer)
        #expect(result.problems.contains { $0.contains("stored tree") })
    }
}
