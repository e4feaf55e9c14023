import CustosLedger
import CustosSQLite
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

@testable import CustosServer

/// A ledger store that forwards to a SQLite store but offers no synchronous tile reads, so that ``TileProofs`` takes
/// its asynchronous path (``TilesOnDemand``).
private struct AsyncOnlyLedger: LedgerStore {
    let base: SQLiteStore
    func ledgerHead() async throws -> LedgerHead { try await base.ledgerHead() }
    func hashTile(level: Int, index: UInt64) async throws -> StoredTile? {
        try await base.hashTile(level: level, index: index)
    }
    func entryBundle(index: UInt64) async throws -> StoredTile? { try await base.entryBundle(index: index) }
    func ledgerRecords(seqs: [Int64]) async throws -> [Int64: LedgerRecord] {
        try await base.ledgerRecords(seqs: seqs)
    }
    func addCheckpoint(_ checkpoint: StoredCheckpoint) async throws { try await base.addCheckpoint(checkpoint) }
    func checkpoints(limit: Int) async throws -> [StoredCheckpoint] { try await base.checkpoints(limit: limit) }
}

@Suite("Proofs from tiles: synchronous reads and the tile cache")
struct TileProofsTests {
    static func entry(_ i: Int) -> LedgerEntry {
        LedgerEntry(
            sequenceNumber: UInt64(i),
            eventTimeMilliseconds: 1_790_000_000_000 + Int64(i),
            commitment: MerkleTreeHasher.leafHash(of: Array(String(i).utf8))
        )
    }

    /// Sizes around every tile boundary of the first three tile levels that a tree of `size` has, and a few inside.
    static func sizes(upTo size: UInt64) -> [UInt64] {
        var out: Set<UInt64> = [1, 2, 3, 255, 256, 257, 511, 512, 513, size - 1, size]
        for boundary: UInt64 in [65_535, 65_536, 65_537, 65_536 + 256, 65_536 + 257] { out.insert(boundary) }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<12 { out.insert(UInt64.random(in: 1...size, using: &random)) }
        return out.filter { $0 >= 1 && $0 <= size }.sorted()
    }

    /// Every proof from the synchronous path (tiles from one shared cache or one SQLite read each) and from the
    /// asynchronous path equals the proof computed from every node of the tree in memory: inclusion proofs at many
    /// sizes, including partial right edges at levels 0, 1 and 2, and consistency proofs between them, before and
    /// after more entries are appended (the cache then holds partial tiles that have since grown).
    @Test func proofsFromTheCacheEqualProofsFromEveryNode() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let cache = TileSubtreeCache(capacity: 64)
        let proofs = TileProofs(store: store, cache: cache)
        let asyncProofs = TileProofs(store: AsyncOnlyLedger(base: store))
        let reader = try #require(store.tileReader)
        var leaves: [TreeHash] = []
        var random = SystemRandomNumberGenerator()
        for end in [300, 65_700, 66_001] {
            let entries = (leaves.count..<end).map(Self.entry)
            try await store.appendLedgerEntriesWithoutEvents(entries)
            leaves += entries.map(\.leafHash)
            let size = UInt64(leaves.count)
            let table = MerkleNodeHashTable(leafHashes: leaves)
            let sizes = Self.sizes(upTo: size)
            for n in sizes {
                for index in [0, n / 2, n - 1, UInt64.random(in: 0..<n, using: &random)] {
                    let expected = try InclusionProof.generate(leafIndex: index, treeSize: n, from: table)
                    #expect(try proofs.inclusion(index: index, size: n, reader: reader) == expected)
                    if index == n - 1 {
                        #expect(try await asyncProofs.inclusion(index: index, size: n) == expected)
                    }
                }
            }
            let pairs: [(UInt64, UInt64)] =
                Array(zip(sizes, sizes.dropFirst())) + [(1, size), (sizes[sizes.count / 2], size)]
            for (m, n) in pairs where m < n {
                let expected = try ConsistencyProof.generate(oldSize: m, newSize: n, from: table)
                #expect(try proofs.consistency(oldSize: m, newSize: n, reader: reader) == expected)
                #expect(try await proofs.consistency(oldSize: m, newSize: n) == expected)
                #expect(try await asyncProofs.consistency(oldSize: m, newSize: n) == expected)
            }
        }
    }

    /// A full leaf tile's interior nodes are stored with it (also when it completes across appends), and a proof
    /// reads them instead of hashing the tile: altering a stored interior node changes the proof a fresh cache gives,
    /// and with the row gone the proof is hashed from the tile again, equal to the one from every node.
    @Test func fullLeafTilesAreProvedFromTheirStoredInteriorNodes() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let entries = (0..<1000).map(Self.entry)
        try await store.appendLedgerEntriesWithoutEvents(Array(entries[0..<100]))
        try await store.appendLedgerEntriesWithoutEvents(Array(entries[100..<1000]))
        let leaves = entries.map(\.leafHash)
        let reader = try #require(store.tileReader)
        for t in 0..<3 {
            let stored = try reader.withFullLeafTile(index: UInt64(t)) { _, interior in [UInt8](interior) }
            var tileBytes: [UInt8] = []
            for leaf in leaves[t * 256..<(t + 1) * 256] { leaf.withUnsafeBytes { tileBytes.append(contentsOf: $0) } }
            let computed = try tileBytes.withUnsafeBytes {
                try TileSubtrees(level: 0, index: UInt64(t), width: 256, bytes: $0).interiorBytes
            }
            #expect(stored != nil)
            #expect(stored == computed)
        }
        #expect(try reader.withFullLeafTile(index: 3) { _, _ in true } == nil)  // partial: none stored
        let table = MerkleNodeHashTable(leafHashes: leaves)
        let expected = try InclusionProof.generate(leafIndex: 300, treeSize: 1000, from: table)
        #expect(try TileProofs(store: store).inclusion(index: 300, size: 1000, reader: reader) == expected)
        // Leaf 300 is position 44 of tile 1; its level-1 sibling is interior node 23 (the first 128 are level 1).
        let queue = try DatabaseQueue.sideConnection(store.path)
        try await queue.write { db in
            var data = [UInt8](
                try #require(try Data.fetchOne(db, sql: "SELECT data FROM tile_interiors WHERE idx = 1"))
            )
            data[23 * 32] ^= 0x01
            try db.execute(sql: "UPDATE tile_interiors SET data = ? WHERE idx = 1", arguments: [Data(data)])
        }
        let altered = try TileProofs(store: store).inclusion(index: 300, size: 1000, reader: reader)
        #expect(altered.hashes[1] != expected.hashes[1])
        try await queue.write { try $0.execute(sql: "DELETE FROM tile_interiors WHERE idx = 1") }
        #expect(try TileProofs(store: store).inclusion(index: 300, size: 1000, reader: reader) == expected)
    }

    /// A full level-1 tile's interior nodes are stored with it too, also when it completes across appends, and every
    /// proof reads them instead of hashing the tile: altered, a fresh cache's proof carries the altered node; with
    /// the row gone the proof is hashed from the tile again, equal to the one from every node.
    @Test func fullUpperTilesAreProvedFromTheirStoredInteriorNodes() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let entries = (0..<65_836).map(Self.entry)
        try await store.appendLedgerEntriesWithoutEvents(Array(entries[0..<40_000]))
        try await store.appendLedgerEntriesWithoutEvents(Array(entries[40_000...]))
        let reader = try #require(store.tileReader)
        let stored = try reader.withFullTile(level: 1, index: 0) { _, interior in [UInt8](interior) }
        let computed = try reader.withHashTile(level: 1, index: 0) { width, bytes in
            try TileSubtrees(level: 1, index: 0, width: width, bytes: bytes).interiorBytes
        }
        #expect(stored != nil)
        #expect(stored == computed)
        #expect(try reader.withFullTile(level: 1, index: 1) { _, _ in true } == nil)  // partial: none stored
        let table = MerkleNodeHashTable(leafHashes: entries.map(\.leafHash))
        let expected = try InclusionProof.generate(leafIndex: 300, treeSize: 65_836, from: table)
        #expect(try TileProofs(store: store).inclusion(index: 300, size: 65_836, reader: reader) == expected)
        // Leaf 300 is under leaf tile 1 (hash 1 of level-1 tile 0): proof hash 9 is the sibling of the node over
        // hashes 0–1, the node over hashes 2–3 — that tile's interior slot 1.
        let queue = try DatabaseQueue.sideConnection(store.path)
        try await queue.write { db in
            var data = [UInt8](
                try #require(try Data.fetchOne(db, sql: "SELECT data FROM upper_tile_interiors WHERE idx = 0"))
            )
            data[1 * 32] ^= 0x01
            try db.execute(sql: "UPDATE upper_tile_interiors SET data = ? WHERE idx = 0", arguments: [Data(data)])
        }
        let altered = try TileProofs(store: store).inclusion(index: 300, size: 65_836, reader: reader)
        #expect(altered.hashes[9] != expected.hashes[9])
        #expect(Array(altered.hashes[0..<9]) == Array(expected.hashes[0..<9]))
        try await queue.write { try $0.execute(sql: "DELETE FROM upper_tile_interiors") }
        #expect(try TileProofs(store: store).inclusion(index: 300, size: 65_836, reader: reader) == expected)
    }

    /// A proof for a size whose tiles are not stored fails rather than inventing nodes.
    @Test func aMissingTileIsAnErrorNotAProof() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        try await store.appendLedgerEntriesWithoutEvents((0..<10).map(Self.entry))
        let proofs = TileProofs(store: store)
        let reader = try #require(store.tileReader)
        #expect(throws: (any Error).self) { try proofs.inclusion(index: 3, size: 300, reader: reader) }
        #expect(throws: (any Error).self) { try proofs.consistency(oldSize: 3, newSize: 11, reader: reader) }
    }

    /// The cache holds at most its capacity and answers a narrower width from a wider tile, never the reverse.
    @Test func theCacheIsBoundedAndServesNarrowerWidths() throws {
        let cache = TileSubtreeCache(capacity: 4)
        let bytes = [UInt8](repeating: 7, count: 256 * 32)
        func tile(_ index: UInt64, width: Int) throws -> TileSubtrees {
            try bytes.withUnsafeBytes { try TileSubtrees(level: 0, index: index, width: width, bytes: $0) }
        }
        cache.keep(try tile(0, width: 100))
        #expect(cache.subtrees(try TileID(level: 0, index: 0, width: 90))?.width == 100)
        #expect(cache.subtrees(try TileID(level: 0, index: 0, width: 101)) == nil)
        cache.keep(try tile(0, width: 256))
        #expect(cache.subtrees(try TileID(level: 0, index: 0, width: 101))?.width == 256)
        for i in 1...20 { cache.keep(try tile(UInt64(i), width: 256)) }
        #expect(cache.count <= 4)
        #expect(cache.subtrees(try TileID(level: 0, index: 20)) != nil)
    }
}
