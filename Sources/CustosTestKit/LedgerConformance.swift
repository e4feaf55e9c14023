import CustosCore
import CustosLedger
public import CustosStore
import Testing

/// The ledger behaviour every ``LedgerStore`` must have (docs/ledger.md): one leaf per stored event, in seq
/// order, committed with the stored salts; tiles and entry bundles kept in the append transaction; checkpoints kept.
public enum LedgerConformance {
    /// Makes a fresh, empty store with a ledger.
    public typealias Factory = @Sendable () async throws -> any EventStore & LedgerStore

    private static let received = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 1)

    /// Each stored event is leaf `seq`; its leaf hash is that of `LedgerEntry(seq, time, commitment)` with the
    /// commitment recomputed from the stored salts; retries add no leaf.
    public static func everyEventIsALeaf(_ make: Factory) async throws {
        let store = try await make()
        #expect(try await store.ledgerHead() == LedgerHead(size: 0, rootHash: MerkleTreeHasher.emptyTreeHash))
        var e = EventFixtures.event(id: "s", subjects: ["person:1", "person:2"])
        e.attributes = JSONObject([("screen", .string("results"))])
        _ = try await store.append([[e], EventFixtures.numbered(4)], received: received)
        _ = try await store.append([EventFixtures.numbered(4)], received: received)  // duplicates
        let page = try await store.events(EventQuery(limit: 100, order: .ascending))
        let records = try await store.ledgerRecords(seqs: page.events.map(\.seq))
        #expect(records.count == 5)
        var leaves: [TreeHash] = []
        for stored in page.events {
            let record = try #require(records[stored.seq])
            guard case .object(let object) = stored.event.jsonValue else {
                Issue.record("not an object")
                return
            }
            let commitment = try EventClaims.commitment(of: object, salts: record.salts).commitment
            let entry = LedgerEntry(
                sequenceNumber: UInt64(stored.seq),
                eventTimeMilliseconds: stored.event.time.millisecondsSinceEpoch,
                commitment: commitment
            )
            #expect(entry.leafHash == record.leafHash)
            leaves.append(record.leafHash)
        }
        // Two subjects are two claims: 16 bytes of salt each, beside the other fields.
        let first = try #require(records[0])
        #expect(first.salts.count == 16 * EventClaims.values(of: e.jsonValue.objectValue!).count)
        #expect(EventClaims.values(of: e.jsonValue.objectValue!).filter { $0.name == "subject" }.count == 2)
        let head = LedgerHead(size: 5, rootHash: MerkleTreeHasher.rootHash(ofLeafHashes: leaves))
        #expect(try await store.ledgerHead() == head)
        // Distinct salts: two equal events would still have different commitments.
        #expect(Set(records.values.map(\.salts)).count == 5)
    }

    /// Tiles and entry bundles (full and partial) match the leaves, across tile boundaries and batches, and serve
    /// inclusion and consistency proofs through ``TiledNodeHashSource``.
    public static func tilesFollowTheTree(_ make: Factory) async throws {
        let store = try await make()
        var sizes: [UInt64] = []
        var roots: [TreeHash] = []
        var next = 0
        for batch in [1, 254, 3, 300, 1] {
            _ = try await store.append([EventFixtures.numbered(batch, from: next)], received: received)
            next += batch
            let head = try await store.ledgerHead()
            sizes.append(head.size)
            roots.append(head.rootHash)
        }
        let size = UInt64(next)
        #expect(sizes.last == size)
        let records = try await store.ledgerRecords(seqs: (0..<Int64(next)).map { $0 })
        let leaves = (0..<Int64(next)).map { records[$0]!.leafHash }
        #expect(roots.last == MerkleTreeHasher.rootHash(ofLeafHashes: leaves))

        // Level 0: two full tiles and a partial one of 47; level 1 a partial tile of 2.
        let t0 = try #require(try await store.hashTile(level: 0, index: 0))
        #expect(t0.width == 256 && t0.data == leaves[0..<256].flatMap(\.bytes))
        let t2 = try #require(try await store.hashTile(level: 0, index: 2))
        #expect(t2.width == next - 512 && t2.data == leaves[512...].flatMap(\.bytes))
        let t10 = try #require(try await store.hashTile(level: 1, index: 0))
        #expect(t10.width == 2)
        #expect(
            t10.data
                == [
                    MerkleTreeHasher.rootHash(ofLeafHashes: leaves[0..<256]),
                    MerkleTreeHasher.rootHash(ofLeafHashes: leaves[256..<512]),
                ].flatMap(\.bytes)
        )
        #expect(try await store.hashTile(level: 0, index: 3) == nil)

        let b1 = try #require(try await store.entryBundle(index: 1))
        let bundle = try EntryBundle(bytes: b1.data, expectedCount: 256)
        #expect(b1.width == 256)
        #expect(bundle.leafHashes == Array(leaves[256..<512]))
        let entry = try LedgerEntry(encoded: bundle.entries[0])
        #expect(entry.sequenceNumber == 256)

        // Proofs over the stored tiles, for the final size and an earlier one.
        let tiles = try await loadTiles(store, size: size)
        let source = TiledNodeHashSource(treeSize: size) { id in tiles[id] }
        for index in [0, 255, 256, 511, 512, UInt64(next - 1)] {
            let proof = try InclusionProof.generate(leafIndex: index, treeSize: size, from: source)
            try proof.verify(leafHash: leaves[Int(index)], rootHash: roots.last!)
        }
        for (oldSize, oldRoot) in zip(sizes, roots).dropLast() {
            let proof = try ConsistencyProof.generate(oldSize: oldSize, newSize: size, from: source)
            try proof.verify(oldRoot: oldRoot, newRoot: roots.last!)
        }
    }

    /// Checkpoints are kept and listed newest first.
    public static func checkpointsAreKept(_ make: Factory) async throws {
        let store = try await make()
        let a = StoredCheckpoint(size: 0, rootHash: MerkleTreeHasher.emptyTreeHash, createdMilliseconds: 1, note: "a\n")
        let b = StoredCheckpoint(size: 3, rootHash: MerkleTreeHasher.emptyTreeHash, createdMilliseconds: 2, note: "b\n")
        try await store.addCheckpoint(a)
        try await store.addCheckpoint(b)
        #expect(try await store.checkpoints(limit: 10) == [b, a])
        #expect(try await store.checkpoints(limit: 1) == [b])
    }

    /// Loads every tile a tree of `size` needs, as ``HashTile``s keyed by their id at that size.
    public static func loadTiles(_ store: any LedgerStore, size: UInt64) async throws -> [TileID: HashTile] {
        var tiles: [TileID: HashTile] = [:]
        for level in TileID.inventory(forTreeSize: size) {
            var ids: [TileID] = []
            for index in 0..<level.fullTileCount { ids.append(try TileID(level: level.level, index: index)) }
            if level.partialWidth > 0 {
                ids.append(try TileID(level: level.level, index: level.fullTileCount, width: level.partialWidth))
            }
            for id in ids {
                guard let stored = try await store.hashTile(level: id.level, index: id.index), stored.width >= id.width
                else { continue }
                tiles[id] = try HashTile(id: id, bytes: stored.data.prefix(id.width * TreeHash.byteCount))
            }
        }
        return tiles
    }

    /// Every ledger check, in order.
    public static func runAll(_ make: Factory) async throws {
        try await everyEventIsALeaf(make)
        try await tilesFollowTheTree(make)
        try await checkpointsAreKept(make)
    }
}
