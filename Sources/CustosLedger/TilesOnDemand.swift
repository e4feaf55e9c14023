import Synchronization

/// Runs a computation over a tree's tiles (a proof, a root) when the tiles must be fetched asynchronously — from a
/// store's async API or from a log over HTTP — fetching only the tiles the computation touches.
///
/// A first, planning pass runs the computation over blank tiles to learn every tile it touches (which tiles a proof
/// reads depends on the sizes and indexes only, never on hash values); the ones not `held` are fetched in one call,
/// and the real pass runs over them. Should it still miss a tile, the missing ones are fetched and it runs again.
public enum TilesOnDemand {
    /// Runs `body` over the tiles of the tree of `treeSize` leaves.
    ///
    /// - Parameters:
    ///   - held: tiles already at hand (for example a cache), or nil; may answer with a wider version of a tile.
    ///   - fetch: fetches tiles; must return the subtrees of each requested tile (at its width or wider).
    /// - Throws: what `fetch` or `body` throw; ``LedgerError/Code/missingNode`` if a fetched tile still lacks a node.
    public static func run<T>(
        treeSize: UInt64,
        held: (TileID) -> TileSubtrees? = { _ in nil },
        fetch: ([TileID]) async throws -> [TileSubtrees],
        _ body: (TiledNodeHashSource) throws -> T
    ) async throws -> T {
        let planning = FetchedTiles(blank: true)
        _ = try? body(TiledNodeHashSource(treeSize: treeSize, loadSubtrees: planning.subtrees))
        let fetched = FetchedTiles(blank: false)
        var needed: [TileID] = []
        for id in planning.takeMissing() {
            if let tile = held(id), tile.width >= id.width { fetched.insert(tile) } else { needed.append(id) }
        }
        while true {
            if !needed.isEmpty {
                for tile in try await fetch(needed) { fetched.insert(tile) }
            }
            do {
                return try body(TiledNodeHashSource(treeSize: treeSize, loadSubtrees: fetched.subtrees))
            } catch let error as LedgerError where error.code == .missingNode {
                needed = fetched.takeMissing()
                guard !needed.isEmpty else { throw error }
            }
        }
    }
}

/// Tiles fetched so far, and the ones asked for but not at hand. A blank instance answers every tile with zero
/// hashes (and still records it as missing): the planning pass.
private final class FetchedTiles: Sendable {
    private struct State {
        var tiles: [TileKey: TileSubtrees] = [:]
        var missing: Set<TileID> = []
    }

    private let blank: Bool
    private let state = Mutex(State())

    init(blank: Bool) {
        self.blank = blank
    }

    func subtrees(_ id: TileID) -> TileSubtrees? {
        let held: TileSubtrees? = state.withLock { state in
            if let tile = state.tiles[TileKey(id)], tile.width >= id.width { return tile }
            state.missing.insert(id)
            return nil
        }
        if let held { return held }
        guard blank else { return nil }
        let zeros = [UInt8](repeating: 0, count: id.width * TreeHash.byteCount)
        return zeros.withUnsafeBytes { try? TileSubtrees(level: id.level, index: id.index, width: id.width, bytes: $0) }
    }

    func insert(_ tile: TileSubtrees) {
        state.withLock { state in
            let key = TileKey(level: tile.level, index: tile.index)
            if let old = state.tiles[key], old.width >= tile.width { return }
            state.tiles[key] = tile
        }
    }

    func takeMissing() -> [TileID] {
        state.withLock { state in
            defer { state.missing.removeAll() }
            return Array(state.missing)
        }
    }
}
