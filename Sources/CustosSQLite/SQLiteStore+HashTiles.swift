public import CustosStore
import Foundation
import GRDB

extension SQLiteStore: HashTileBatchReading {
    public func hashTiles(_ tiles: [HashTileKey]) async throws -> [HashTileKey: StoredTile] {
        let wanted = Array(Set(tiles.filter { $0.index <= UInt64(Int64.max) }))
        guard !wanted.isEmpty else { return [:] }
        return try await read { db in
            var out: [HashTileKey: StoredTile] = [:]
            out.reserveCapacity(wanted.count)
            let statement = try db.cachedStatement(sql: "SELECT width, data FROM tiles WHERE level = ? AND idx = ?")
            for key in wanted {
                if let row = try Row.fetchOne(statement, arguments: [key.level, Int64(key.index)]) {
                    out[key] = StoredTile(width: row[0], data: [UInt8](row[1] as Data))
                }
            }
            return out
        }
    }
}
