public import CustosLedger
public import CustosStore
import Foundation

/// Proofs (RFC 9162) generated from the tiles a ``LedgerStore`` keeps, fetching only the tiles a proof touches.
public struct TileProofs: Sendable {
    /// The store whose tiles the proofs are read from.
    public let store: any LedgerStore

    /// Creates a proof generator over `store`'s tiles.
    public init(store: any LedgerStore) {
        self.store = store
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

    /// Runs `body` over a tile source of `size`; whenever it misses a tile, fetches the missing tiles and runs it
    /// again (a proof touches O(log n) tiles, so this ends quickly).
    private func withTiles<T>(size: UInt64, _ body: (TiledNodeHashSource) throws -> T) async throws -> T {
        let cache = TileCache()
        while true {
            let source = TiledNodeHashSource(treeSize: size) { id in cache.tile(id) }
            do {
                return try body(source)
            } catch let error as LedgerError where error.code == .missingNode {
                let missing = cache.takeMissing()
                guard !missing.isEmpty else { throw error }
                for id in missing {
                    guard let stored = try await store.hashTile(level: id.level, index: id.index),
                        stored.width >= id.width
                    else {
                        throw StoreError(.corrupt, "tile \(id) is missing from the store")
                    }
                    cache.insert(try HashTile(id: id, bytes: stored.data.prefix(id.width * TreeHash.byteCount)))
                }
            }
        }
    }
}

/// Tiles fetched so far, and the ones asked for but not yet fetched.
private final class TileCache: @unchecked Sendable {
    private let lock = NSLock()
    private var tiles: [TileID: HashTile] = [:]
    private var missing: Set<TileID> = []

    func tile(_ id: TileID) -> HashTile? {
        lock.withLock {
            if let tile = tiles[id] { return tile }
            missing.insert(id)
            return nil
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
