public import CustosLedger
public import CustosStore

/// Proofs (RFC 9162) generated from the tiles a ``LedgerStore`` keeps, reading only the tiles a proof touches.
///
/// When the store reads tiles synchronously (``LedgerStore/tileReader``, as SQLite does) a proof is computed on the
/// calling thread with no suspension: each tile comes from `cache` or one prepared-statement read, and its subtrees
/// are computed once and kept. Otherwise the tiles are fetched through the store's async API (``TilesOnDemand``).
public struct TileProofs: Sendable {
    /// The store whose tiles the proofs are read from.
    public let store: any LedgerStore
    /// Tiles already read from `store`, with their subtrees (shared by the proofs of one store).
    public let cache: TileSubtreeCache

    /// Creates a proof generator over `store`'s tiles; pass the same `cache` for every proof of one store.
    public init(store: any LedgerStore, cache: TileSubtreeCache = TileSubtreeCache(capacity: 64)) {
        self.store = store
        self.cache = cache
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    public func inclusion(index: UInt64, size: UInt64) async throws -> InclusionProof {
        if let reader = store.tileReader { return try inclusion(index: index, size: size, reader: reader) }
        return try await withFetchedTiles(size: size) {
            try InclusionProof.generate(leafIndex: index, treeSize: size, from: $0)
        }
    }

    /// The consistency proof from the tree of `oldSize` leaves to that of `newSize`.
    public func consistency(oldSize: UInt64, newSize: UInt64) async throws -> ConsistencyProof {
        if let reader = store.tileReader { return try consistency(oldSize: oldSize, newSize: newSize, reader: reader) }
        return try await withFetchedTiles(size: newSize) {
            try ConsistencyProof.generate(oldSize: oldSize, newSize: newSize, from: $0)
        }
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves, computed on the calling thread from tiles
    /// read synchronously through `reader` (the store's).
    public func inclusion(index: UInt64, size: UInt64, reader: any LedgerTileReader) throws -> InclusionProof {
        try InclusionProof.generate(leafIndex: index, treeSize: size, from: source(size: size, reader: reader))
    }

    /// The consistency proof from the tree of `oldSize` leaves to that of `newSize`, computed on the calling thread
    /// from tiles read synchronously through `reader` (the store's).
    public func consistency(oldSize: UInt64, newSize: UInt64, reader: any LedgerTileReader) throws -> ConsistencyProof {
        try ConsistencyProof.generate(oldSize: oldSize, newSize: newSize, from: source(size: newSize, reader: reader))
    }

    /// A node source over the tree of `size` leaves: each tile from the cache, or read through `reader`, its
    /// subtrees computed at the width the proof needs (the stored tile may have grown since `size`; hashing only
    /// the needed prefix halves the cost of a random partial edge) and kept.
    ///
    /// A tile that is full in the store, with its interior nodes stored, is read, not hashed (up to 255 SHA-256
    /// calls saved), also when the proof needs it at a narrower width (a consistency proof's old size): its nodes
    /// complete within that width are the same. Such a level-0 tile is kept for this proof only, not in the shared
    /// cache: reading it again costs one row read, and caching every random leaf's tile (16 KiB each) churned the
    /// cache and had every proof fault in fresh heap pages — half of a proof's time at 10M entries
    /// (docs/performance.md, "Inclusion tail").
    private func source(size: UInt64, reader: any LedgerTileReader) -> TiledNodeHashSource {
        let cache = self.cache
        let thisProof = ProofTileMemo()
        let load: @Sendable (TileID) throws -> TileSubtrees? = { id in
            if let held = cache.subtrees(id) ?? thisProof.subtrees(id) { return held }
            if let stored = try reader.withFullTile(
                level: id.level,
                index: id.index,
                { tile, interior in
                    try? TileSubtrees(level: id.level, index: id.index, fullTile: tile, interior: interior)
                }
            ), let stored {
                if id.level == 0 { thisProof.keep(stored) } else { cache.keep(stored) }
                return stored
            }
            let read = try reader.withHashTile(level: id.level, index: id.index) { width, bytes in
                guard width >= id.width else { throw StoreError(.corrupt, "tile \(id) is missing from the store") }
                return try TileSubtrees(level: id.level, index: id.index, width: id.width, bytes: bytes)
            }
            guard let read else { throw StoreError(.corrupt, "tile \(id) is missing from the store") }
            cache.keep(read)
            return read
        }
        return TiledNodeHashSource(treeSize: size, loadSubtrees: load)
    }

    /// Runs `body` over the tiles of `size` fetched through the store's async API, concurrently.
    private func withFetchedTiles<T>(size: UInt64, _ body: (TiledNodeHashSource) throws -> T) async throws -> T {
        let store = self.store
        let cache = self.cache
        return try await TilesOnDemand.run(
            treeSize: size,
            held: { cache.subtrees($0) },
            fetch: { ids in
                try await withThrowingTaskGroup(of: TileSubtrees.self) { group in
                    for id in ids {
                        group.addTask {
                            guard let stored = try await store.hashTile(level: id.level, index: id.index),
                                stored.width >= id.width
                            else {
                                throw StoreError(.corrupt, "tile \(id) is missing from the store")
                            }
                            return try stored.data.withUnsafeBytes {
                                try TileSubtrees(level: id.level, index: id.index, width: stored.width, bytes: $0)
                            }
                        }
                    }
                    var tiles: [TileSubtrees] = []
                    for try await tile in group {
                        cache.keep(tile)
                        tiles.append(tile)
                    }
                    return tiles
                }
            },
            body
        )
    }
}
