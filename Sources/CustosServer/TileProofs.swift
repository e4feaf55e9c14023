public import CustosLedger
public import CustosStore
import Foundation

/// Proofs (RFC 9162) generated from the tiles a ``LedgerStore`` keeps, fetching only the tiles a proof touches.
public struct TileProofs: Sendable {
    /// The store whose tiles the proofs are read from.
    public let store: any LedgerStore
    /// Full tiles already read from `store` (shared by the proofs of one store).
    public let fullTiles: FullTileCache

    /// Creates a proof generator over `store`'s tiles; pass the same `fullTiles` for every proof of one store.
    public init(store: any LedgerStore, fullTiles: FullTileCache = FullTileCache(capacity: 64)) {
        self.store = store
        self.fullTiles = fullTiles
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves.
    public func inclusion(index: UInt64, size: UInt64) async throws -> InclusionProof {
        try await withTiles(size: size) { try InclusionProof.generate(leafIndex: index, treeSize: size, from: $0) }
    }

    /// The consistency proof from the tree of `oldSize` leaves to that of `newSize`.
    public func consistency(oldSize: UInt64, newSize: UInt64) async throws -> ConsistencyProof {
        try await withTiles(size: newSize) {
            try ConsistencyProof.generate(oldSize: oldSize, newSize: newSize, from: $0)
        }
    }

    /// Runs `body` over a tile source of `size`. A first, planning pass runs it over blank tiles to learn every tile
    /// the proof touches (which tiles a proof reads depends on the sizes and indexes only, never on hash values);
    /// those are fetched concurrently, and the real pass runs over them. Should it still miss a tile, the missing
    /// ones are fetched and it runs again.
    private func withTiles<T>(size: UInt64, _ body: (TiledNodeHashSource) throws -> T) async throws -> T {
        let planning = TileCache(blank: true)
        _ = try? body(TiledNodeHashSource(treeSize: size) { id in planning.tile(id) })
        let cache = TileCache(blank: false)
        var needed: [TileID] = []
        for id in planning.takeMissing() {
            if let held = fullTiles.tile(id) { cache.insert(held) } else { needed.append(id) }
        }
        try await fetch(needed, into: cache)
        while true {
            let source = TiledNodeHashSource(treeSize: size) { id in cache.tile(id) }
            do {
                return try body(source)
            } catch let error as LedgerError where error.code == .missingNode {
                let missing = cache.takeMissing()
                guard !missing.isEmpty else { throw error }
                try await fetch(missing, into: cache)
            }
        }
    }

    /// Reads `ids` from the store concurrently into `cache`.
    private func fetch(_ ids: [TileID], into cache: TileCache) async throws {
        try await withThrowingTaskGroup(of: HashTile.self) { group in
            for id in ids {
                group.addTask {
                    guard let stored = try await store.hashTile(level: id.level, index: id.index),
                        stored.width >= id.width
                    else {
                        throw StoreError(.corrupt, "tile \(id) is missing from the store")
                    }
                    return try HashTile(id: id, bytes: stored.data.prefix(id.width * TreeHash.byteCount))
                }
            }
            for try await tile in group {
                cache.insert(tile)
                fullTiles.keep(tile)
            }
        }
    }
}

/// Tiles fetched so far, and the ones asked for but not yet fetched.
/// A blank cache answers every tile with zero hashes (and still records it as missing): the planning pass.
private final class TileCache: @unchecked Sendable {
    private let lock = NSLock()
    private let blank: Bool
    private var tiles: [TileID: HashTile] = [:]
    private var missing: Set<TileID> = []

    init(blank: Bool) {
        self.blank = blank
    }

    func tile(_ id: TileID) -> HashTile? {
        lock.withLock {
            if let tile = tiles[id] { return tile }
            missing.insert(id)
            guard blank else { return nil }
            return try? HashTile(id: id, bytes: [UInt8](repeating: 0, count: id.width * TreeHash.byteCount))
        }
    }

    func insert(_ tile: HashTile) {
        lock.withLock { tiles[tile.id] = tile }
    }

    func takeMissing() -> [TileID] {
        lock.withLock {
            defer { missing.removeAll() }
            return Array(missing)
        }
    }
}
