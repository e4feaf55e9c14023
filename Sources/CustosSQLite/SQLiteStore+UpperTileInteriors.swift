import CustosLedger
import Foundation
import GRDB

extension SQLiteStore {
    /// Checks the derived interior nodes of the full tiles above level 0 (`upper_tile_interiors`, docs/ledger.md)
    /// against the stored tiles, which the rebuild has just compared with the tree: each row is recomputed from its
    /// tile (255 hashes per 65,536 entries or more) and a row that differs, or has no full tile, is reported with the
    /// last entry under its tile. A missing row is not a fault (tiles completed before migration
    /// v6-upper-tile-interiors).
    static func checkUpperTileInteriors(db: Database, result: inout LedgerVerification) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT i.level, i.idx, i.data, t.data FROM upper_tile_interiors i
                LEFT JOIN tiles t ON t.level = i.level AND t.idx = i.idx ORDER BY i.level, i.idx
                """
        )
        while let row = try rows.next() {
            let level: Int = row[0]
            let index: Int64 = row[1]
            let stored: Data = row[2]
            let tile: Data? = row[3]
            var rebuilt: [UInt8]?
            if let tile, tile.count == TileID.fullWidth * TreeHash.byteCount, (1...7).contains(level), index >= 0 {
                rebuilt = try tile.withUnsafeBytes {
                    try TileSubtrees(level: level, index: UInt64(index), width: TileID.fullWidth, bytes: $0)
                }.interiorBytes
            }
            guard rebuilt != [UInt8](stored) else { continue }
            // The tile at level L covers 256^(L+1) entries.
            var lastEntry: UInt64?
            if (1...6).contains(level), index >= 0 {
                let end = (UInt64(index) + 1).multipliedReportingOverflow(by: UInt64(1) << UInt64(8 * (level + 1)))
                lastEntry = end.overflow ? nil : end.partialValue - 1
            }
            result.fail("the stored interior nodes of tile \(level)/\(index) disagree with the tree", entry: lastEntry)
            return
        }
    }
}
