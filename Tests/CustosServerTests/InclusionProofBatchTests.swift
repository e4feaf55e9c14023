import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Testing

@Suite("Inclusion proofs computed as one batch")
struct InclusionProofBatchTests {
    /// A store whose tree has 70,000 leaves (three tile levels, the top one partial), written in two appends.
    static func makeStore() async throws -> (SQLiteStore, [TreeHash]) {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let entries = (0..<70_000).map { i in
            LedgerEntry(
                sequenceNumber: UInt64(i),
                eventTimeMilliseconds: 1_790_000_000_000 + Int64(i),
                commitment: MerkleTreeHasher.leafHash(of: Array(String(i).utf8))
            )
        }
        try await store.appendLedgerEntriesWithoutEvents(Array(entries[0..<65_537]))
        try await store.appendLedgerEntriesWithoutEvents(Array(entries[65_537...]))
        return (store, entries.map(\.leafHash))
    }

    @Test func everyProofEqualsTheSingleProofAndVerifiesAtSeveralSizes() async throws {
        let (store, leaves) = try await Self.makeStore()
        let single = TileProofs(store: store)
        for size: UInt64 in [1, 2, 255, 256, 257, 65_535, 65_536, 65_537, 69_999, 70_000] {
            let root = MerkleTreeHasher.rootHash(ofLeafHashes: leaves[0..<Int(size)])
            // Neighbours, tile edges, the last leaf and a spread: proofs that share tiles and upper paths.
            var indexes: [UInt64] = [0, 1, 255, 256, 257, 65_535, 65_536, size - 1, size, size + 5]
            indexes += stride(from: UInt64(3), to: size, by: Int(max(1, size / 37))).map { $0 }
            let batch = try await InclusionProofBatch(store: store, fullTiles: FullTileCache()).proofs(
                leafIndexes: indexes,
                treeSize: size
            )
            #expect(Set(batch.keys) == Set(indexes.filter { $0 < size }))
            for (index, proof) in batch {
                #expect(proof.leafIndex == index && proof.treeSize == size)
                #expect(try proof.rootHash(forLeafHash: leaves[Int(index)]) == root)
                #expect(proof == (try await single.inclusion(index: index, size: size)))
            }
        }
    }

    @Test func noIndexBelowTheSizeGivesNoProofs() async throws {
        let (store, _) = try await Self.makeStore()
        let batch = InclusionProofBatch(store: store, fullTiles: FullTileCache())
        #expect(try await batch.proofs(leafIndexes: [], treeSize: 10).isEmpty)
        #expect(try await batch.proofs(leafIndexes: [10, 11], treeSize: 10).isEmpty)
        #expect(try await batch.proofs(leafIndexes: [0], treeSize: 0).isEmpty)
    }

    @Test func aMissingTileIsReportedAsCorruption() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        // The store holds no tiles at all, so any proof in a tree of 1,000 leaves lacks them.
        await #expect(throws: StoreError.self) {
            _ = try await InclusionProofBatch(store: store, fullTiles: FullTileCache()).proofs(
                leafIndexes: [3, 700],
                treeSize: 1_000
            )
        }
    }
}
