import CustosCore
public import CustosLedger
import CustosStore
import Foundation
import GRDB

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

        var frontier = MerkleFrontier()
        checkRoots(frontier, &result)
        var tiles = TreeTileReader(db: db)
        let entrySize = LedgerEntry.encodedSize
        let bundles = try Row.fetchCursor(db, sql: "SELECT idx, width, data FROM entry_bundles ORDER BY idx")
        var problem: String?
        bundleLoop: while let row = try bundles.next() {
            let index: Int64 = row[0]
            let width: Int64 = row[1]
            guard UInt64(index) * UInt64(TileID.fullWidth) == frontier.size else {
                result.fail("entry bundle \(index) does not follow entry \(frontier.size)", entry: frontier.size)
                break
            }
            let data: Data = row[2]
            guard data.count == Int(width) * (entrySize + 2) else {
                result.fail("entry bundle \(index) has \(data.count) bytes for \(width) entries", entry: frontier.size)
                break
            }
            try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var offset = 0
                for _ in 0..<Int(width) {
                    let seq = frontier.size
                    var storedSeq: UInt64 = 0
                    for i in (offset + 3)..<(offset + 11) { storedSeq = storedSeq << 8 | UInt64(raw[i]) }
                    guard Int(raw[offset]) << 8 | Int(raw[offset + 1]) == entrySize,
                        raw[offset + 2] == LedgerEntry.version, storedSeq == seq
                    else {
                        result.fail("entry \(seq) was altered: it is malformed or carries another seq", entry: seq)
                        return
                    }
                    let leaf = MerkleTreeHasher.leafHash(
                        of: UnsafeRawBufferPointer(rebasing: raw[(offset + 2)..<(offset + 2 + entrySize)])
                    )
                    offset += entrySize + 2
                    try frontier.append(leaf) { node in
                        guard node.id.level % TileID.height == 0, problem == nil else { return }
                        let level = node.id.level / TileID.height
                        if try tiles.node(level: level, index: node.id.index) != node.hash {
                            problem =
                                level == 0
                                ? "entry \(seq) was altered: it does not reproduce leaf \(seq) of the stored tiles"
                                : "the stored tiles disagree with the rebuilt tree at level \(level) index \(node.id.index)"
                        }
                    }
                    if let p = problem {
                        result.fail(p, entry: seq)
                        return
                    }
                    checkRoots(frontier, &result)
                }
            }
            if !result.isValid { break bundleLoop }
        }
        result.treeSize = frontier.size
        result.rootHash = frontier.rootHash
        if result.isValid {
            if let data = try Data.fetchOne(db, sql: "SELECT frontier FROM ledger_state WHERE id = 0") {
                let state = try MerkleFrontier(serializedBytes: data)
                if state.size != frontier.size || state.rootHash != frontier.rootHash {
                    result.fail("the stored tree (\(state.size) entries) differs from the \(frontier.size) rebuilt")
                }
            } else if frontier.size > 0 {
                result.fail("the store has entries but no ledger state")
            }
            for rest in pending {
                result.fail("the signed checkpoint of size \(rest.size) is beyond the \(frontier.size) entries found")
            }
        }
        return result
    }
}

/// Reads node hashes at tile-level positions from the `tiles` table, keeping the current tile of each level.
private struct TreeTileReader {
    let db: Database
    var cache: [(index: Int64, data: [UInt8])] = []

    init(db: Database) {
        self.db = db
    }

    mutating func node(level: Int, index: UInt64) throws -> TreeHash? {
        let tile = Int64(index / UInt64(TileID.fullWidth))
        while cache.count <= level { cache.append((-1, [])) }
        if cache[level].index != tile {
            let data = try Data.fetchOne(
                db,
                sql: "SELECT data FROM tiles WHERE level = ? AND idx = ?",
                arguments: [level, tile]
            )
            cache[level] = (tile, data.map { [UInt8]($0) } ?? [])
        }
        let offset = Int(index % UInt64(TileID.fullWidth)) * TreeHash.byteCount
        guard offset + TreeHash.byteCount <= cache[level].data.count else { return nil }
        return try TreeHash(bytes: cache[level].data[offset..<offset + TreeHash.byteCount])
    }
}
