import CustosCore
public import CustosLedger
import CustosStore
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteStore {
    /// Appends ledger entries to the Merkle tree, its tiles and entry bundles without storing events: the same write
    /// path as ingest (``appendToLedger``) in one transaction. For benchmarks (`custos bench ledger`), which build a
    /// tree of millions of synthetic entries quickly; a store written this way fails `custos verify --data` (it has
    /// no events), but its tree verifies with ``verifyLedgerTree(verifiers:)``.
    ///
    /// - Throws: ``StoreError`` (`corrupt`) unless the first entry's seq is the tree size.
    public func appendLedgerEntriesWithoutEvents(_ entries: [LedgerEntry]) async throws {
        guard let first = entries.first else { return }
        let leaves = entries.map { LedgerLeaf(entry: $0.encoded, hash: $0.leafHash) }
        try await pool.write { db in
            try Self.appendToLedger(leaves, firstSeq: Int64(first.sequenceNumber), db: db)
        }
    }

    /// Verifies the tree layer of the store from its entry bundles: hashes every stored entry to its leaf, checks
    /// that it carries its own seq, rebuilds the tree and compares every tile-level node with the stored hash tiles,
    /// the root at each stored checkpoint's size with its signed root (each signature must verify with
    /// `verifiers`), and the final tree with the stored frontier.
    ///
    /// Unlike ``verifyLedger(verifiers:previous:)`` it does not recompute the entries' commitments from the events;
    /// it is the check a tile mirror can make, and the figure of docs/performance.md (Ledger).
    public func verifyLedgerTree(verifiers: [any NoteVerifier]) async throws -> LedgerVerification {
        try await read { db in try Self.verifyTree(db: db, verifiers: verifiers) }
    }

    private static func verifyTree(db: Database, verifiers: [any NoteVerifier]) throws -> LedgerVerification {
        var result = LedgerVerification()
        var signed: [(size: UInt64, root: TreeHash, stored: StoredCheckpoint)] = []
        for row in try Row.fetchAll(db, sql: "SELECT id, created, note FROM checkpoints ORDER BY id") {
            let id: Int64 = row[0]
            let note: String = row[2]
            do {
                let origin = String(note.prefix { $0 != "\n" })
                let c = try Checkpoint.open(Array(note.utf8), origin: origin, verifiers: verifiers).checkpoint
                signed.append(
                    (
                        c.size, c.rootHash,
                        StoredCheckpoint(size: c.size, rootHash: c.rootHash, createdMilliseconds: row[1], note: note)
                    )
                )
            } catch {
                result.fail("checkpoint #\(id) does not verify with the trusted key: \(error)")
            }
        }
        signed.sort { $0.size < $1.size }
        var pending = signed[...]
        func checkRoots(_ frontier: MerkleFrontier, _ result: inout LedgerVerification) {
            while let next = pending.first, next.size == frontier.size {
                pending.removeFirst()
                if next.root == frontier.rootHash {
                    result.checkpointsVerified += 1
                    result.latestCheckpoint = next.stored
                } else {
                    result.fail("the signed checkpoint of size \(next.size) does not match the rebuilt tree")
                }
            }
        }

        if let empty = pending.first, empty.size == 0 {
            checkRoots(MerkleFrontier(), &result)
        }
        // The rebuild reads both tables in idx order on raw cursors, handing it each row's bytes in place.
        var rebuilder = TiledTreeRebuilder()
        var sizes = pending.map(\.size).filter { $0 > 0 }[...]
        let bundles = try db.cachedStatement(sql: "SELECT idx, width, data FROM entry_bundles ORDER BY idx")
        let leafTiles = try db.cachedStatement(sql: "SELECT idx, data FROM tiles WHERE level = 0 ORDER BY idx")
        let interiors = try db.cachedStatement(sql: "SELECT idx, data FROM tile_interiors ORDER BY idx")
        let tileRow = try RawStatement(db, "SELECT data FROM tiles WHERE level = ? AND idx = ?")
        let b = bundles.sqliteStatement
        let t = leafTiles.sqliteStatement
        let n = interiors.sqliteStatement
        defer {
            sqlite3_reset(b)
            sqlite3_reset(t)
            sqlite3_reset(n)
        }
        var tileStep = sqlite3_step(t)
        var interiorStep = sqlite3_step(n)
        func readTile(level: Int, index: UInt64) throws -> [UInt8]? {
            tileRow.bind(1, Int64(level))
            tileRow.bind(2, Int64(index))
            var bytes: [UInt8]?
            try tileRow.query { row in bytes = [UInt8](columnBytes(row, 0)) }
            return bytes
        }
        while true {
            let rc = sqlite3_step(b)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw StoreError(.unavailable, "cannot read the entry bundles (\(rc))") }
            let index = UInt64(bitPattern: sqlite3_column_int64(b, 0))
            while tileStep == SQLITE_ROW, UInt64(bitPattern: sqlite3_column_int64(t, 0)) < index {
                tileStep = sqlite3_step(t)
            }
            var storedLeaves: UnsafeRawBufferPointer?
            if tileStep == SQLITE_ROW, UInt64(bitPattern: sqlite3_column_int64(t, 0)) == index {
                storedLeaves = Self.blob(t, 1)
            }
            // The derived interior nodes of a full leaf tile, where stored (tiles completed before the
            // v5-tile-interiors migration have none), are checked against the rebuilt nodes too.
            while interiorStep == SQLITE_ROW, UInt64(bitPattern: sqlite3_column_int64(n, 0)) < index {
                interiorStep = sqlite3_step(n)
            }
            var storedInterior: UnsafeRawBufferPointer?
            if interiorStep == SQLITE_ROW, UInt64(bitPattern: sqlite3_column_int64(n, 0)) == index {
                storedInterior = Self.blob(n, 1)
            }
            do {
                try rebuilder.append(
                    bundle: index,
                    width: Int(sqlite3_column_int64(b, 1)),
                    data: Self.blob(b, 2),
                    storedLeaves: storedLeaves,
                    storedInterior: storedInterior,
                    readTile: readTile,
                    sizes: &sizes
                ) { size, root in
                    while let next = pending.first, next.size == size {
                        pending.removeFirst()
                        if next.root == root {
                            result.checkpointsVerified += 1
                            result.latestCheckpoint = next.stored
                        } else {
                            result.fail("the signed checkpoint of size \(next.size) does not match the rebuilt tree")
                        }
                    }
                }
            } catch let mismatch as TiledTreeRebuilder.Mismatch {
                result.fail(mismatch.problem, entry: mismatch.entry)
                break
            }
        }
        result.treeSize = rebuilder.size
        // After a mismatch the rebuild stopped part-way; its root is reported only when it can be computed.
        result.rootHash = (try? rebuilder.rootHash(size: rebuilder.size)) ?? result.rootHash
        if result.isValid {
            if let data = try Data.fetchOne(db, sql: "SELECT frontier FROM ledger_state WHERE id = 0") {
                let state = try MerkleFrontier(serializedBytes: data)
                if state.size != result.treeSize || state.rootHash != result.rootHash {
                    result.fail("the stored tree (\(state.size) entries) differs from the \(result.treeSize) rebuilt")
                }
            } else if result.treeSize > 0 {
                result.fail("the store has entries but no ledger state")
            }
            for rest in pending {
                result.fail("the signed checkpoint of size \(rest.size) is beyond the \(result.treeSize) entries found")
            }
            try checkUpperTileInteriors(db: db, result: &result)
        }
        return result
    }

    /// Column `i` of the current row of `statement` as bytes in place (valid until the statement steps again).
    private static func blob(_ statement: OpaquePointer, _ i: Int32) -> UnsafeRawBufferPointer {
        let count = Int(sqlite3_column_bytes(statement, i))
        guard count > 0, let bytes = sqlite3_column_blob(statement, i) else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: bytes, count: count)
    }
}
