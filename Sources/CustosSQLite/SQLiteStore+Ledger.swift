import CustosCore
import CustosLedger
public import CustosStore
import Foundation
import GRDB
import GRDBSQLite

/// One new leaf of the ledger: the encoded entry and its leaf hash.
struct LedgerLeaf {
    let entry: [UInt8]
    let hash: TreeHash
}

extension SQLiteStore {
    /// Appends leaves to the Merkle tree inside the current write transaction: advances the persisted frontier and
    /// writes every hash tile and entry bundle the new leaves touch (full and partial). Never recomputes the tree.
    ///
    /// - Throws: ``StoreError`` (`corrupt`) if the first leaf's seq is not the tree size.
    static func appendToLedger(_ leaves: [LedgerLeaf], firstSeq: Int64, db: Database) throws {
        guard !leaves.isEmpty else { return }
        var frontier = MerkleFrontier()
        if let data = try Data.fetchOne(db, sql: "SELECT frontier FROM ledger_state WHERE id = 0") {
            frontier = try MerkleFrontier(serializedBytes: data)
        }
        let oldSize = frontier.size
        guard UInt64(firstSeq) == oldSize else {
            throw StoreError(.corrupt, "ledger has \(oldSize) leaves but the next event is seq \(firstSeq)")
        }
        var levelBytes: [[UInt8]] = []
        var interiors = TileInteriorCollector()
        var bundleBytes: [UInt8] = []
        bundleBytes.reserveCapacity(leaves.count * (LedgerEntry.encodedSize + 2))
        for leaf in leaves {
            frontier.append(leaf.hash) { node in
                interiors.record(node)
                guard node.id.level % TileID.height == 0 else { return }
                let tileLevel = node.id.level / TileID.height
                while levelBytes.count <= tileLevel { levelBytes.append([]) }
                node.hash.withUnsafeBytes { levelBytes[tileLevel].append(contentsOf: $0) }
            }
            bundleBytes.append(UInt8(leaf.entry.count >> 8))
            bundleBytes.append(UInt8(leaf.entry.count & 0xff))
            bundleBytes.append(contentsOf: leaf.entry)
        }
        let selectTile = try RawStatement(db, "SELECT width, data FROM tiles WHERE level = ? AND idx = ?")
        let writeTile = try RawStatement(
            db,
            "INSERT OR REPLACE INTO tiles(level, idx, width, data) VALUES (?, ?, ?, ?)"
        )
        let writeInterior = try RawStatement(db, "INSERT OR REPLACE INTO tile_interiors(idx, data) VALUES (?, ?)")
        let writeUpperInterior = try RawStatement(
            db,
            "INSERT OR REPLACE INTO upper_tile_interiors(level, idx, data) VALUES (?, ?, ?)"
        )
        for (level, bytes) in levelBytes.enumerated() where !bytes.isEmpty {
            try writeItems(
                bytes,
                itemSize: TreeHash.byteCount,
                firstItem: oldSize >> UInt64(level * TileID.height),
                key: Int64(level),
                select: selectTile,
                write: writeTile
            ) { tileIndex, data in
                // A tile just completed: keep the nodes above its hashes for proofs (docs/ledger.md), as the
                // frontier computed them while appending (only those of an earlier batch's part are hashed again).
                let interior = data.withUnsafeBytes {
                    interiors.interiorBytes(tileLevel: level, index: tileIndex, tile: $0)
                }
                if level == 0 {
                    writeInterior.bind(1, Int64(tileIndex))
                    writeInterior.bindBlob(2, interior)
                    try writeInterior.run()
                } else {
                    writeUpperInterior.bind(1, Int64(level))
                    writeUpperInterior.bind(2, Int64(tileIndex))
                    writeUpperInterior.bindBlob(3, interior)
                    try writeUpperInterior.run()
                }
            }
        }
        let selectBundle = try RawStatement(db, "SELECT width, data FROM entry_bundles WHERE ? IS NULL AND idx = ?")
        let writeBundle = try RawStatement(
            db,
            "INSERT OR REPLACE INTO entry_bundles(idx, width, data) VALUES (?2, ?3, ?4)"
        )
        try writeItems(
            bundleBytes,
            itemSize: LedgerEntry.encodedSize + 2,
            firstItem: oldSize,
            key: nil,
            select: selectBundle,
            write: writeBundle
        )
        try db.execute(
            sql: "INSERT OR REPLACE INTO ledger_state(id, size, frontier) VALUES (0, ?, ?)",
            arguments: [Int64(frontier.size), Data(frontier.serializedBytes)]
        )
    }

    /// Appends fixed-size items, numbered from `firstItem`, to the tiles (256 items each) they fall into: reads the
    /// stored prefix of a tile that already has items, and writes each touched tile once with its new width; calls
    /// `completed` with the index and bytes of each tile that becomes full.
    private static func writeItems(
        _ bytes: [UInt8],
        itemSize: Int,
        firstItem: UInt64,
        key: Int64?,
        select: RawStatement,
        write: RawStatement,
        completed: (UInt64, [UInt8]) throws -> Void = { _, _ in }
    ) throws {
        let full = TileID.fullWidth
        var item = firstItem
        var offset = 0
        while offset < bytes.count {
            let tileIndex = item / UInt64(full)
            let inTile = Int(item % UInt64(full))
            let take = min(full - inTile, (bytes.count - offset) / itemSize)
            var data: [UInt8] = []
            data.reserveCapacity((inTile + take) * itemSize)
            if inTile > 0 {
                select.bind(1, key)
                select.bind(2, Int64(tileIndex))
                var found = false
                try select.query { row in
                    let stored = columnBytes(row, 1)
                    guard sqlite3_column_int64(row, 0) >= inTile, stored.count >= inTile * itemSize else { return }
                    data.append(contentsOf: stored.prefix(inTile * itemSize))
                    found = true
                }
                guard found else {
                    throw StoreError(.corrupt, "tile \(key.map(String.init) ?? "entries")/\(tileIndex) is missing")
                }
            }
            data.append(contentsOf: bytes[offset..<offset + take * itemSize])
            write.bind(1, key)
            write.bind(2, Int64(tileIndex))
            write.bind(3, Int64(inTile + take))
            write.bindBlob(4, data)
            try write.run()
            if inTile + take == full { try completed(tileIndex, data) }
            item += UInt64(take)
            offset += take * itemSize
        }
    }

    /// Gives every event stored before the ledger existed its salts, leaf hash and place in the tree.
    static func backfillLedger(db: Database) throws {
        let update = try RawStatement(db, "UPDATE events SET salts = ?, leaf = ? WHERE seq = ?")
        var leaves: [LedgerLeaf] = []
        var first: Int64?
        let rows = try Row.fetchCursor(db, sql: "SELECT seq, body FROM events ORDER BY seq")
        while let row = try rows.next() {
            let seq: Int64 = row[0]
            let stored = try decode(seq: seq, received: 0, body: row[1])
            let (salts, commitment) = EventClaims.commit(stored.event)
            let entry = LedgerEntry(
                sequenceNumber: UInt64(seq),
                eventTimeMilliseconds: stored.event.time.millisecondsSinceEpoch,
                commitment: commitment
            )
            let leaf = LedgerLeaf(entry: entry.encoded, hash: entry.leafHash)
            update.bindBlob(1, salts)
            update.bindBlob(2, leaf.hash.bytes)
            update.bind(3, seq)
            try update.run()
            if first == nil { first = seq }
            leaves.append(leaf)
        }
        if let first { try appendToLedger(leaves, firstSeq: first, db: db) }
    }
}

extension SQLiteStore: LedgerStore {
    public var tileReader: (any LedgerTileReader)? { sqliteTileReader }

    public func ledgerHead() async throws -> LedgerHead {
        try await read { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT frontier FROM ledger_state WHERE id = 0") else {
                return LedgerHead(size: 0, rootHash: MerkleTreeHasher.emptyTreeHash)
            }
            let frontier = try MerkleFrontier(serializedBytes: data)
            return LedgerHead(size: frontier.size, rootHash: frontier.rootHash)
        }
    }

    public func hashTile(level: Int, index: UInt64) async throws -> StoredTile? {
        guard index <= UInt64(Int64.max) else { return nil }
        return try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT width, data FROM tiles WHERE level = ? AND idx = ?",
                arguments: [level, Int64(index)]
            ).map { StoredTile(width: $0[0], data: [UInt8]($0[1] as Data)) }
        }
    }

    public func entryBundle(index: UInt64) async throws -> StoredTile? {
        guard index <= UInt64(Int64.max) else { return nil }
        return try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT width, data FROM entry_bundles WHERE idx = ?",
                arguments: [Int64(index)]
            ).map { StoredTile(width: $0[0], data: [UInt8]($0[1] as Data)) }
        }
    }

    public func ledgerRecords(seqs: [Int64]) async throws -> [Int64: LedgerRecord] {
        guard !seqs.isEmpty else { return [:] }
        return try await read { db in
            var out: [Int64: LedgerRecord] = [:]
            let list = seqs.map(String.init).joined(separator: ",")
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT seq, salts, leaf FROM events WHERE seq IN (\(list)) AND leaf IS NOT NULL"
            )
            while let row = try rows.next() {
                let leaf = try TreeHash(bytes: [UInt8](row[2] as Data))
                out[row[0]] = LedgerRecord(salts: (row[1] as Data?).map { [UInt8]($0) } ?? [], leafHash: leaf)
            }
            return out
        }
    }

    public func addCheckpoint(_ checkpoint: StoredCheckpoint) async throws {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "INSERT INTO checkpoints(size, root, created, note) VALUES (?, ?, ?, ?)",
                    arguments: [
                        Int64(checkpoint.size), Data(checkpoint.rootHash.bytes), checkpoint.createdMilliseconds,
                        checkpoint.note,
                    ]
                )
            }
        } catch {
            throw StoreError(.unavailable, "cannot store checkpoint: \(error)")
        }
    }

    public func checkpoints(limit: Int) async throws -> [StoredCheckpoint] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT size, root, created, note FROM checkpoints ORDER BY id DESC LIMIT ?",
                arguments: [limit]
            )
            return try rows.map { row in
                StoredCheckpoint(
                    size: UInt64(row[0] as Int64),
                    rootHash: try TreeHash(bytes: [UInt8](row[1] as Data)),
                    createdMilliseconds: row[2],
                    note: row[3]
                )
            }
        }
    }
}
