import CustosLedger
import Testing

@Suite("Tile subtrees and tiles on demand")
struct TileSubtreesTests {
    static func hashes(_ count: Int) -> [TreeHash] {
        (0..<count).map { MerkleTreeHasher.leafHash(of: Array("leaf \($0)".utf8)) }
    }

    /// Every subtree of a full or partial tile equals the one `HashTile` computes by rehashing, and a subtree not
    /// complete within the width is absent.
    @Test(arguments: [1, 2, 3, 100, 128, 255, 256])
    func subtreesEqualTheTilesOwnRehashing(width: Int) throws {
        let tile = try HashTile(id: TileID(level: 1, index: 5, width: width), hashes: Self.hashes(width))
        let subtrees = TileSubtrees(tile)
        #expect(subtrees.width == width)
        for levelsUp in 0...8 {
            for index in 0...(256 >> levelsUp) {
                #expect(
                    subtrees.subtreeHash(levelsUp: levelsUp, index: index)
                        == tile.subtreeHash(levelsUp: levelsUp, index: index)
                )
            }
        }
        #expect(subtrees.subtreeHash(levelsUp: 9, index: 0) == nil)
        #expect(subtrees.subtreeHash(levelsUp: 0, index: -1) == nil)
    }

    @Test func tooFewBytesAreRefused() {
        let bytes = [UInt8](repeating: 0, count: 31)
        #expect(throws: LedgerError.self) {
            try bytes.withUnsafeBytes { try TileSubtrees(level: 0, index: 0, width: 1, bytes: $0) }
        }
    }

    /// Proofs over tiles fetched on demand equal proofs over every node, fetching only tiles the proof touches.
    @Test func tilesOnDemandGiveTheSameProofs() async throws {
        let leaves = Self.hashes(70_000)
        let table = MerkleNodeHashTable(leafHashes: leaves)
        for (m, n) in [(1, 2), (255, 257), (1000, 65_537), (65_536, 70_000), (4, 70_000)] as [(UInt64, UInt64)] {
            let fetched = FetchLog()
            let fetch: ([TileID]) async throws -> [TileSubtrees] = { ids in
                await fetched.add(ids.count)
                return try ids.map { TileSubtrees(try HashTile.build($0, treeSize: n, from: table)) }
            }
            let proof = try await TilesOnDemand.run(treeSize: n, fetch: fetch) {
                try ConsistencyProof.generate(oldSize: m, newSize: n, from: $0)
            }
            #expect(proof == (try ConsistencyProof.generate(oldSize: m, newSize: n, from: table)))
            #expect(await fetched.total <= 6)
        }
    }
}

private actor FetchLog {
    var total = 0
    func add(_ count: Int) { total += count }
}
