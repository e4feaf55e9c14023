import CustosLedger
import Synchronization

/// The one tile a single proof read without keeping it in the shared ``TileSubtreeCache`` (a level-0 tile with its
/// stored interior nodes), so that the proof's further look-ups in that tile do not read it again.
final class ProofTileMemo: Sendable {
    private let tile = Mutex<TileSubtrees?>(nil)

    /// Creates an empty memo.
    init() {}

    /// The held tile if it is tile `id`, at its width or wider.
    func subtrees(_ id: TileID) -> TileSubtrees? {
        tile.withLock { held in
            guard let held, held.level == id.level, held.index == id.index, held.width >= id.width else { return nil }
            return held
        }
    }

    /// Holds `tile` instead of the previous one.
    func keep(_ tile: TileSubtrees) {
        self.tile.withLock { $0 = tile }
    }
}
