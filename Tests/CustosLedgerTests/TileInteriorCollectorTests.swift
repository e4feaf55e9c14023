import CustosLedger
import Testing

@Suite("Tile interior nodes taken from the frontier's appends")
struct TileInteriorCollectorTests {
    /// Appends `count` leaves in batches of the given sizes (cycled), a fresh collector per batch as the store makes
    /// one per transaction, and returns, for every tile completed, the collector's interior nodes beside those
    /// computed by hashing the tile (`TileSubtrees`).
    static func interiors(count: Int, batches: [Int]) -> [(TileKey, collected: [UInt8], hashed: [UInt8]?)] {
        var frontier = MerkleFrontier()
        var tileHashes: [[TreeHash]] = []  // per tile level, every tile-level node so far
        var out: [(TileKey, [UInt8], [UInt8]?)] = []
        var appended = 0
        var batch = 0
        while appended < count {
            let size = min(batches[batch % batches.count], count - appended)
            batch += 1
            var collector = TileInteriorCollector()
            var completed: [TileKey] = []
            for i in appended..<appended + size {
                frontier.append(MerkleTreeHasher.leafHash(of: Array("leaf \(i)".utf8))) { node in
                    collector.record(node)
                    guard node.id.level % TileID.height == 0 else { return }
                    let level = node.id.level / TileID.height
                    while tileHashes.count <= level { tileHashes.append([]) }
                    tileHashes[level].append(node.hash)
                    if tileHashes[level].count % TileID.fullWidth == 0 {
                        completed.append(TileKey(level: level, index: UInt64(tileHashes[level].count / 256 - 1)))
                    }
                }
            }
            appended += size
            for key in completed {
                var bytes: [UInt8] = []
                for hash in tileHashes[key.level][Int(key.index) * 256..<Int(key.index + 1) * 256] {
                    hash.withUnsafeBytes { bytes.append(contentsOf: $0) }
                }
                let collected = bytes.withUnsafeBytes {
                    collector.interiorBytes(tileLevel: key.level, index: key.index, tile: $0)
                }
                let hashed = try! bytes.withUnsafeBytes {
                    try TileSubtrees(level: key.level, index: key.index, width: 256, bytes: $0).interiorBytes
                }
                out.append((key, collected, hashed))
            }
        }
        return out
    }

    /// Whether a tile completes within one batch or across several (its earlier part's nodes then hashed again
    /// from the tile), the collected interior nodes equal those computed by hashing the whole tile, for level-0 and
    /// level-1 tiles.
    @Test(arguments: [[65_536 + 512], [1000], [1, 255, 300, 7], [256], [100_000, 3]])
    func collectedInteriorNodesEqualTheTilesOwnHashing(batches: [Int]) {
        let tiles = Self.interiors(count: 65_536 + 512, batches: batches)
        #expect(tiles.count == 256 + 2 + 1)  // 258 level-0 tiles and one level-1 tile
        #expect(tiles.contains { $0.0 == TileKey(level: 1, index: 0) })
        for (key, collected, hashed) in tiles {
            #expect(collected.count == 255 * 32)
            #expect(collected == hashed, "tile \(key.level)/\(key.index)")
        }
    }

    /// With nothing recorded the collector hashes every interior node; a node recorded for another tile of the same
    /// level is not used.
    @Test func nothingRecordedMeansEverythingHashed() throws {
        let leaves = (0..<512).map { MerkleTreeHasher.leafHash(of: Array("leaf \($0)".utf8)) }
        var collector = TileInteriorCollector()
        var frontier = MerkleFrontier()
        for leaf in leaves[0..<256] { frontier.append(leaf) { collector.record($0) } }
        var bytes: [UInt8] = []
        for hash in leaves[256..<512] { hash.withUnsafeBytes { bytes.append(contentsOf: $0) } }
        let collected = bytes.withUnsafeBytes { collector.interiorBytes(tileLevel: 0, index: 1, tile: $0) }
        let hashed = try bytes.withUnsafeBytes {
            try TileSubtrees(level: 0, index: 1, width: 256, bytes: $0).interiorBytes
        }
        #expect(collected == hashed)
    }
}
