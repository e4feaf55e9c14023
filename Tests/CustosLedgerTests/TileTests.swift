import CustosCore
import Testing

@testable import CustosLedger

private struct TilePathVectors: Decodable {
    struct Encoding: Decodable {
        var index: UInt64
        var path_elements: String
    }
    struct LevelInventory: Decodable {
        var level: Int
        var full_tiles: UInt64
        var partial_width: Int
    }
    struct SizeInventory: Decodable {
        var per_level: [LevelInventory]
    }
    var path_encoding_examples: [Encoding]
    var tiles_for_tree_size: [String: SizeInventory]
}

@Suite("C2SP tlog-tiles")
struct TileTests {
    @Test("path encoding examples (1234067 → x001/x234/067 and the edge values)")
    func pathEncoding() throws {
        let vectors = try Conformance.decode(TilePathVectors.self, from: "c2sp/tlog-tiles-paths.json")
        #expect(vectors.path_encoding_examples.count == 9)
        for example in vectors.path_encoding_examples {
            #expect(TilePath.encodeIndex(example.index) == example.path_elements)
            #expect(try TilePath.decodeIndex(example.path_elements) == example.index)
        }
        for bad in [
            "", "1", "01", "0000", "x001", "x1/000", "001/000", "x000/005", "y001/000", "x001/00a",
            "x018/x446/x744/x073/x709/x551/616", "x001//000", "-01",
        ] {
            expectLedgerError(.malformedTilePath) { try TilePath.decodeIndex(bad) }
        }
    }

    @Test("tile and entry bundle paths round-trip and reject non-canonical forms")
    func tilePaths() throws {
        let partial = try TileID(level: 1, index: 1_234_067, width: 17)
        #expect(partial.path == "tile/1/x001/x234/067.p/17")
        #expect(try TileID(path: partial.path) == partial)
        let full = try TileID(level: 0, index: 5)
        #expect(full.path == "tile/0/005")
        #expect(try TileID(path: "tile/0/005") == full)
        let bundle = try EntryBundleID(index: 1000, width: 3)
        #expect(bundle.path == "tile/entries/x001/000.p/3")
        #expect(try EntryBundleID(path: bundle.path) == bundle)
        #expect(try EntryBundleID(path: "tile/entries/000") == EntryBundleID(index: 0))
        for bad in [
            "tile/0/005.p/256", "tile/0/005.p/0", "tile/0/005.p/017", "tile/64/000", "tile/01/000",
            "tile/0/5", "tiles/0/005", "tile/0", "tile/0/005.p/", "tile/entries/005", "/tile/0/005", "tile/0/005/",
        ] {
            expectLedgerError(.malformedTilePath) { try TileID(path: bad) }
        }
        for bad in ["tile/entries/5", "tile/entries/005.p/256", "tile/0/005", "tile/entries/x000/005"] {
            expectLedgerError(.malformedTilePath) { try EntryBundleID(path: bad) }
        }
        expectLedgerError(.invalidArgument) { try TileID(level: 0, index: 0, width: 0) }
        expectLedgerError(.invalidArgument) { try TileID(level: 64, index: 0) }
    }

    @Test("tile inventories for sizes 70,000 and 256 from the spec")
    func inventories() throws {
        let vectors = try Conformance.decode(TilePathVectors.self, from: "c2sp/tlog-tiles-paths.json")
        #expect(vectors.tiles_for_tree_size.count == 2)
        for (size, expected) in vectors.tiles_for_tree_size {
            let inventory = TileID.inventory(forTreeSize: try #require(UInt64(size)))
            #expect(inventory.map(\.level) == expected.per_level.map(\.level))
            #expect(inventory.map(\.fullTileCount) == expected.per_level.map(\.full_tiles))
            #expect(inventory.map(\.partialWidth) == expected.per_level.map(\.partial_width))
        }
        #expect(
            TileID.partialTiles(forTreeSize: 70_000).map(\.path) == [
                "tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1",
            ]
        )
        #expect(TileID.partialTiles(forTreeSize: 256).map(\.path) == ["tile/1/000.p/1"])
        #expect(TileID.inventory(forTreeSize: 0).isEmpty)
    }

    @Test("tilesChanged lists exactly the tiles whose contents differ between two sizes")
    func tilesChanged() throws {
        #expect(TileID.tilesChanged(from: 0, to: 256).map(\.path) == ["tile/0/000", "tile/1/000.p/1"])
        #expect(
            TileID.tilesChanged(from: 250, to: 260).map(\.path) == ["tile/0/000", "tile/0/001.p/4", "tile/1/000.p/1"]
        )
        #expect(TileID.tilesChanged(from: 5, to: 5).isEmpty)
        // Brute force: a tile changed iff its width (number of complete nodes in it) differs between the sizes.
        func width(_ size: UInt64, level: Int, index: UInt64) -> Int {
            let nodes = size >> UInt64(8 * level)
            return nodes <= index * 256 ? 0 : Int(min(256, nodes - index * 256))
        }
        var generator = SplitMix64(seed: 99)
        for _ in 0..<100 {
            let oldSize = UInt64.random(in: 0...140_000, using: &generator)
            let newSize = oldSize + UInt64.random(in: 0...(generator.next() % 2 == 0 ? 600 : 70_000), using: &generator)
            var expected: [TileID] = []
            for level in 0..<4 {
                for index in 0...((newSize >> UInt64(8 * level)) / 256) {
                    let newWidth = width(newSize, level: level, index: index)
                    if newWidth > 0 && newWidth != width(oldSize, level: level, index: index) {
                        expected.append(try TileID(level: level, index: index, width: newWidth))
                    }
                }
            }
            #expect(TileID.tilesChanged(from: oldSize, to: newSize) == expected, "\(oldSize)→\(newSize)")
        }
    }

    @Test("tiles built from node hashes hold the right hashes, and tiled storage reproduces every node and proof")
    func buildTiles() throws {
        var generator = SplitMix64(seed: 0x711E)
        let size = 70_000
        let leafHashes = (0..<size).map { _ in MerkleTreeHasher.leafHash(of: generator.bytes(count: 4)) }
        var table = MerkleNodeHashTable()
        var frontier = MerkleFrontier()
        var tiles: [TileID: HashTile] = [:]
        var storedSize: UInt64 = 0
        // Append in batches; after each, store the changed tiles as a tile-only log would.
        var consumed = 0
        while consumed < size {
            let batch = min(Int.random(in: 1...9000, using: &generator), size - consumed)
            table.insert(contentsOf: frontier.append(contentsOf: leafHashes[consumed..<(consumed + batch)]))
            consumed += batch
            for id in TileID.tilesChanged(from: storedSize, to: UInt64(consumed)) {
                let tile = try HashTile.build(id, treeSize: UInt64(consumed), from: table)
                #expect(try HashTile(id: id, bytes: tile.bytes) == tile)
                tiles[id] = tile
            }
            storedSize = UInt64(consumed)
        }
        #expect(tiles[try TileID(level: 0, index: 273, width: 112)] != nil)
        let level2 = try #require(tiles[try TileID(level: 2, index: 0, width: 1)])
        #expect(level2.hashes == [try #require(table.nodeHash(at: MerkleNodeID(level: 16, index: 0)))])
        // Level-1 tile hashes are the roots of full level-0 tiles.
        let level1 = try #require(tiles[try TileID(level: 1, index: 1, width: 17)])
        let level0 = try #require(tiles[try TileID(level: 0, index: 256)])
        #expect(level1.hashes[0] == level0.subtreeHash(levelsUp: 8, index: 0))

        let storedTiles = tiles
        let tiled = TiledNodeHashSource(treeSize: UInt64(size)) { storedTiles[$0] }
        #expect(try tiled.rootHash(treeSize: UInt64(size)) == frontier.rootHash)
        // After a restart, a store that kept only tiles rebuilds its frontier from them.
        #expect(try MerkleFrontier(size: UInt64(size), nodeHashes: tiled) == frontier)
        for _ in 0..<50 {
            let index = UInt64.random(in: 0..<UInt64(size), using: &generator)
            let fromTiles = try InclusionProof.generate(leafIndex: index, treeSize: UInt64(size), from: tiled)
            #expect(fromTiles == (try InclusionProof.generate(leafIndex: index, treeSize: UInt64(size), from: table)))
            try fromTiles.verify(leafHash: leafHashes[Int(index)], rootHash: frontier.rootHash)
        }
        for level in 0..<17 {
            let count = UInt64(size) >> UInt64(level)
            for index in [0, count / 2, count - 1] where count > 0 {
                let id = MerkleNodeID(level: level, index: index)
                #expect(try tiled.nodeHash(at: id) == table.nodeHash(at: id), "\(id)")
            }
            #expect(try tiled.nodeHash(at: MerkleNodeID(level: level, index: count)) == nil)
        }

        expectLedgerError(.malformedTile) {
            try HashTile.build(try TileID(level: 0, index: 273), treeSize: 70_000, from: table)
        }
        expectLedgerError(.malformedTile) {
            try HashTile.build(try TileID(level: 9, index: 0, width: 1), treeSize: .max, from: table)
        }
        expectLedgerError(.malformedTile) {
            try HashTile(id: try TileID(level: 0, index: 0, width: 2), bytes: [UInt8](repeating: 0, count: 63))
        }
        // A partial tile of an older size is a prefix of the current tile.
        let older = try HashTile.build(try TileID(level: 0, index: 273, width: 50), treeSize: 70_000, from: table)
        #expect(
            older.hashes == Array(try #require(tiles[try TileID(level: 0, index: 273, width: 112)]).hashes.prefix(50))
        )
    }

    @Test("entry bundles: length-prefixed encoding, limits and truncation")
    func entryBundles() throws {
        let entries: [[UInt8]] = [[], [1], Array(repeating: 7, count: 300), Array(repeating: 9, count: 65_535)]
        let bundle = EntryBundle(entries: entries)
        let bytes = try bundle.serializedBytes()
        #expect(bytes.count == 2 * 4 + 0 + 1 + 300 + 65_535)
        #expect(Array(bytes.prefix(5)) == [0, 0, 0, 1, 1])
        #expect(try EntryBundle(bytes: bytes, expectedCount: 4) == bundle)
        #expect(bundle.leafHashes[1] == MerkleTreeHasher.leafHash(of: [1]))
        expectLedgerError(.entryTooLarge) {
            try EntryBundle(entries: [Array(repeating: 0, count: 65_536)]).serializedBytes()
        }
        expectLedgerError(.malformedEntryBundle) { try EntryBundle(bytes: bytes.dropLast()) }
        expectLedgerError(.malformedEntryBundle) { try EntryBundle(bytes: [0]) }
        expectLedgerError(.malformedEntryBundle) { try EntryBundle(bytes: bytes, expectedCount: 3) }
        #expect(try EntryBundle(bytes: []).entries.isEmpty)
        #expect(try EntryBundleID(index: 2, width: 5).tileID == TileID(level: 0, index: 2, width: 5))
    }
}
