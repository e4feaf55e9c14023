import CustosLedger
import CustosSQLite
import CustosStore
import CustosTestKit
import Testing

@Suite("Cosignature store")
struct CosignatureStoreTests {
    @Test("cosignatures are kept per checkpoint and witness; the latest cosigned size is per witness")
    func keepAndList() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(directory: dir.path)
        let root = MerkleTreeHasher.leafHash(of: [1])
        #expect(try await store.latestCosignedSize(witness: "w1") == 0)
        for (size, witness, line) in [(5, "w1", "a"), (5, "w2", "b"), (9, "w1", "c"), (9, "w1", "d")]
            as [(UInt64, String, String)]
        {
            try await store.addCosignature(
                StoredCosignature(size: size, rootHash: root, witness: witness, line: line, receivedMilliseconds: 1)
            )
        }
        #expect(try await store.latestCosignedSize(witness: "w1") == 9)
        #expect(try await store.latestCosignedSize(witness: "w2") == 5)
        let five = try await store.cosignatures(sizes: [5])
        #expect(Set(five.map(\.witness)) == ["w1", "w2"])
        let nine = try await store.cosignatures(sizes: [9])
        #expect(nine.map(\.line) == ["d"], "a later cosignature by the same witness replaces the earlier one")
        #expect(try await store.cosignatures(sizes: []).isEmpty)
        #expect(try await store.cosignatures(sizes: [5, 9]).count == 3)
    }
}
