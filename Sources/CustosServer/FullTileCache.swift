public import CustosLedger
import Synchronization

/// Full hash tiles (256 hashes) already read from one store, kept in memory for the proofs that follow. A full tile
/// never changes once written, so it can be reused for as long as the store lives; partial tiles are never kept.
/// Bounded: when `capacity` tiles are held, the cache starts over.
public final class FullTileCache: Sendable {
    private let tiles = Mutex<[TileID: HashTile]>([:])
    /// The most tiles held (8 KiB each).
    public let capacity: Int

    /// Creates an empty cache of at most `capacity` tiles (the default, 8,192, is 64 MiB).
    public init(capacity: Int = 8_192) {
        self.capacity = max(1, capacity)
    }

    /// The tile, when held.
    func tile(_ id: TileID) -> HashTile? {
        tiles.withLock { $0[id] }
    }

    /// Keeps `tile` if it is full.
    func keep(_ tile: HashTile) {
        guard tile.id.width == TileID.fullWidth else { return }
        tiles.withLock {
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[tile.id] = tile
        }
    }
}
