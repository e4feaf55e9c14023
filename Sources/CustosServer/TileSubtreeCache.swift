public import CustosLedger
import Synchronization

/// Tiles already read from one store, kept with their subtrees computed (``TileSubtrees``) for the proofs that
/// follow, keyed by (level, index). A tile's nodes never change once written — a full tile is immutable and a
/// partial one only grows to the right — so a held tile answers for every width up to its own; a wider read
/// replaces it.
///
/// Bounded, least recently used first out, approximately: two generations of at most `capacity / 2` tiles each;
/// a hit in the older generation moves the tile to the newer, and when the newer one is full it becomes the older
/// (dropping the previous older). The higher-level tiles, which every proof touches, always stay.
public final class TileSubtreeCache: Sendable {
    private struct Generations {
        var newer: [TileKey: TileSubtrees] = [:]
        var older: [TileKey: TileSubtrees] = [:]
    }

    private let generations = Mutex(Generations())
    /// The most tiles held (16 KiB each for a full tile with its subtrees).
    public let capacity: Int

    /// Creates an empty cache of at most `capacity` tiles (the default, 4,096, is 64 MiB).
    public init(capacity: Int = 4_096) {
        self.capacity = max(2, capacity)
    }

    /// The held subtrees of tile `id`, when held at its width or wider.
    func subtrees(_ id: TileID) -> TileSubtrees? {
        let key = TileKey(id)
        return generations.withLock { g in
            if let tile = g.newer[key] { return tile.width >= id.width ? tile : nil }
            guard let tile = g.older.removeValue(forKey: key), tile.width >= id.width else { return nil }
            Self.insert(tile, key: key, into: &g, capacity: capacity)
            return tile
        }
    }

    /// The number of tiles held.
    var count: Int {
        generations.withLock { $0.newer.count + $0.older.count }
    }

    /// Keeps `tile` unless a version at least as wide is held.
    func keep(_ tile: TileSubtrees) {
        let key = TileKey(level: tile.level, index: tile.index)
        generations.withLock { g in
            if let held = g.newer[key] ?? g.older[key], held.width >= tile.width { return }
            g.older.removeValue(forKey: key)
            Self.insert(tile, key: key, into: &g, capacity: capacity)
        }
    }

    private static func insert(_ tile: TileSubtrees, key: TileKey, into g: inout Generations, capacity: Int) {
        if g.newer.count >= capacity / 2 {
            g.older = g.newer
            g.newer = [:]
        }
        g.newer[key] = tile
    }
}
