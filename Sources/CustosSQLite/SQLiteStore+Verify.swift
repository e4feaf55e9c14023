import CustosCore
public import CustosLedger
public import CustosStore
import Foundation
import GRDB

extension SQLiteStore {
    /// Recomputes every leaf from the stored events and salts, rebuilds the tree, and compares it with the stored
    /// leaf hashes, tiles, frontier and every stored checkpoint (whose signatures must verify with `verifiers`).
    /// If `previous` (a checkpoint verified earlier) is given, the tree must extend it: same root at its size.
    public func verifyLedger(verifiers: [any NoteVerifier], previous: Checkpoint?) async throws -> LedgerVerification {
        try await read { db in
            try Self.verify(db: db, verifiers: verifiers, previous: previous)
        }
    }

    private static func verify(
        db: Database,
        verifiers: [any NoteVerifier],
        previous: Checkpoint?
    ) throws
        -> LedgerVerification
    {
        var result = LedgerVerification()
        // The checkpoints, oldest first: each must verify and name a root the recomputed tree reaches.
        var checkpoints: [(stored: StoredCheckpoint, checkpoint: Checkpoint)] = []
        var origin: String?
        for row in try Row.fetchAll(db, sql: "SELECT id, size, root, created, note FROM checkpoints ORDER BY id") {
            let id: Int64 = row[0]
            let note: String = row[4]
            let noteOrigin = String(note.prefix { $0 != "\n" })
            do {
                let opened = try Checkpoint.open(Array(note.utf8), origin: noteOrigin, verifiers: verifiers)
                let c = opened.checkpoint
                if let origin, origin != c.origin {
                    result.fail("checkpoint #\(id) has origin \(c.origin), the others \(origin)")
                }
                origin = origin ?? c.origin
                let stored = StoredCheckpoint(
                    size: c.size,
                    rootHash: c.rootHash,
                    createdMilliseconds: row[3],
                    note: note
                )
                if UInt64(row[1] as Int64) != c.size || [UInt8](row[2] as Data) != c.rootHash.bytes {
                    result.fail("checkpoint #\(id): its size or root column differs from its signed note")
                }
                if let last = checkpoints.last, c.size < last.checkpoint.size {
                    result.fail(
                        "checkpoint #\(id) (size \(c.size)) is smaller than an earlier one (\(last.checkpoint.size))"
                    )
                }
                checkpoints.append((stored, c))
            } catch {
                result.fail("checkpoint #\(id) does not verify with the trusted key: \(error)")
            }
        }
        var pending = checkpoints.sorted { $0.checkpoint.size < $1.checkpoint.size }[...]
        var previousPending = previous

        func checkRoots(size: UInt64, root: @autoclosure () -> TreeHash, result: inout LedgerVerification) {
            var r: TreeHash?
            while let next = pending.first, next.checkpoint.size == size {
                pending.removeFirst()
                r = r ?? root()
                if next.checkpoint.rootHash == r {
                    result.checkpointsVerified += 1
                    result.latestCheckpoint = next.stored
                } else {
                    result.fail(
                        "the signed checkpoint of size \(size) does not match the tree rebuilt from the events: an "
                            + "entry below \(size) was altered, removed or reordered"
                    )
                }
            }
            if let p = previousPending, p.size == size {
                previousPending = nil
                r = r ?? root()
                if p.rootHash != r {
                    result.fail(
                        "the tree is not consistent with the checkpoint of size \(p.size) verified earlier "
                            + "(state file)"
                    )
                }
            }
        }

        // Recompute every leaf in seq order and rebuild the tree, comparing with the stored nodes on the way.
        var frontier = MerkleFrontier()
        checkRoots(size: 0, root: frontier.rootHash, result: &result)
        var tiles = TileReader(db: db)
        var redacted: [Int64] = []
        var erasures: [ClosedRange<Int64>] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT seq, body, salts, leaf FROM events ORDER BY seq")
        while let row = try rows.next() {
            let seq: Int64 = row[0]
            let expected = frontier.size
            if seq < 0 || UInt64(seq) != expected {
                result.fail(
                    "entry \(expected) was removed or reordered: the next stored event is seq \(seq)",
                    entry: expected
                )
                // Continue with the stored seq, so the rest of the tree is still checked against its tiles.
                break
            }
            let leaf: TreeHash
            if (row[2] as Data?) == nil, let erasedLeaf = Self.erasedLeaf(body: row[1], leaf: row[3]) {
                // An erased event: only its leaf is left; the tiles and checkpoints below check it.
                result.redactedEntries += 1
                redacted.append(seq)
                leaf = erasedLeaf
            } else {
                do {
                    guard case .object(let body) = try JSONParser().parse([UInt8](row[1] as Data)) else {
                        throw StoreError(.corrupt, "not a JSON object")
                    }
                    let salts = (row[2] as Data?).map { [UInt8]($0) } ?? []
                    let commitment = try EventClaims.commitment(of: body, salts: salts).commitment
                    guard case .string(let time)? = body["time"], case .success(let ts) = Timestamp.parse(time) else {
                        throw StoreError(.corrupt, "no valid time")
                    }
                    leaf =
                        LedgerEntry(
                            sequenceNumber: UInt64(seq),
                            eventTimeMilliseconds: ts.millisecondsSinceEpoch,
                            commitment: commitment
                        ).leafHash
                    erasures += Self.erasedRanges(body)
                } catch {
                    result.fail(
                        "entry \(seq) was altered: its stored event cannot be read (\(error))",
                        entry: UInt64(seq)
                    )
                    leaf = MerkleTreeHasher.emptyTreeHash
                }
            }
            if let stored = row[3] as Data?, [UInt8](stored) != leaf.bytes, result.firstBadEntry != UInt64(seq) {
                result.fail(
                    "entry \(seq) was altered, removed or reordered: the event does not reproduce its leaf hash",
                    entry: UInt64(seq)
                )
            }
            var tileProblem: String?
            try frontier.append(leaf) { node in
                guard node.id.level % TileID.height == 0, tileProblem == nil else { return }
                let level = node.id.level / TileID.height
                guard let stored = try tiles.node(level: level, index: node.id.index) else {
                    tileProblem = "tile \(level)/\(node.id.index / 256) lacks node \(node.id.index)"
                    return
                }
                if stored != node.hash {
                    tileProblem =
                        level == 0
                        ? "entry \(seq) was altered, removed or reordered: the event does not reproduce leaf \(seq) "
                            + "of the stored tiles"
                        : "the stored tiles disagree with the rebuilt tree at level \(level) index \(node.id.index)"
                }
            }
            if let tileProblem, result.firstBadEntry != UInt64(seq) || !tileProblem.hasPrefix("entry") {
                result.fail(tileProblem, entry: UInt64(seq))
            }
            checkRoots(size: frontier.size, root: frontier.rootHash, result: &result)
        }
        result.treeSize = frontier.size
        result.rootHash = frontier.rootHash
        for seq in redacted where !erasures.contains(where: { $0.contains(seq) }) {
            result.fail(
                "entry \(seq) was altered: its event was blanked, but no recorded custos.erase covers it",
                entry: UInt64(seq)
            )
        }

        if let count = try Int64.fetchOne(db, sql: "SELECT count(*) FROM events"), UInt64(count) != frontier.size,
            result.problems.isEmpty
        {
            result.fail("the events table holds \(count) rows but only \(frontier.size) follow in seq order")
        }
        if let data = try Data.fetchOne(db, sql: "SELECT frontier FROM ledger_state WHERE id = 0") {
            let state = try MerkleFrontier(serializedBytes: data)
            if state.size != frontier.size {
                result.fail(
                    "the tree holds \(state.size) entries but \(frontier.size) events were found: entry "
                        + "\(min(state.size, frontier.size)) was removed or added",
                    entry: min(state.size, frontier.size)
                )
            } else if state.rootHash != frontier.rootHash {
                result.fail("the stored tree root differs from the tree rebuilt from the events")
            }
        } else if frontier.size > 0 {
            result.fail("the store has events but no ledger state")
        }
        try checkTileInteriors(db: db, result: &result)
        try checkUpperTileInteriors(db: db, result: &result)
        for rest in pending {
            result.fail(
                "the signed checkpoint of size \(rest.checkpoint.size) is beyond the \(frontier.size) entries found: "
                    + "entry \(frontier.size) was removed",
                entry: frontier.size
            )
        }
        if let p = previousPending {
            result.fail(
                "the checkpoint of size \(p.size) verified earlier (state file) is beyond the \(frontier.size) entries "
                    + "found: entry \(frontier.size) was removed",
                entry: frontier.size
            )
        }
        return result
    }
}

extension SQLiteStore {
    /// Checks the derived interior nodes of the full leaf tiles (docs/ledger.md, Tables) against the stored level-0
    /// tiles, which the rebuild has just compared with the events: a row that differs is reported with the last
    /// entry under its tile. A missing row is not a fault (tiles completed before migration v5-tile-interiors).
    fileprivate static func checkTileInteriors(db: Database, result: inout LedgerVerification) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT i.idx, i.data, t.data FROM tile_interiors i
                LEFT JOIN tiles t ON t.level = 0 AND t.idx = i.idx ORDER BY i.idx
                """
        )
        while let row = try rows.next() {
            let index: Int64 = row[0]
            let stored: Data = row[1]
            let tile: Data? = row[2]
            var rebuilt: [UInt8]?
            if let tile, tile.count == TileID.fullWidth * TreeHash.byteCount {
                rebuilt = try tile.withUnsafeBytes {
                    try TileSubtrees(level: 0, index: UInt64(index), width: TileID.fullWidth, bytes: $0)
                }.interiorBytes
            }
            guard rebuilt != [UInt8](stored) else { continue }
            result.fail(
                "the stored interior nodes of leaf tile \(index) disagree with the tree",
                entry: UInt64(index) * UInt64(TileID.fullWidth) + UInt64(TileID.fullWidth - 1)
            )
            return
        }
    }

    /// The stored leaf hash of an erased event (its body the `custos.erased` placeholder); nil if it is not one.
    fileprivate static func erasedLeaf(body: Data?, leaf: Data?) -> TreeHash? {
        guard let body, let leaf, case .object(let o)? = try? JSONParser().parse([UInt8](body)),
            case .string(erasedAction)? = o["action"]
        else { return nil }
        return try? TreeHash(bytes: [UInt8](leaf))
    }

    /// The seq ranges a `custos.erase` event records as erased (its `attributes.seqs`); empty for other events.
    fileprivate static func erasedRanges(_ body: JSONObject) -> [ClosedRange<Int64>] {
        guard case .string(eraseAction)? = body["action"], case .object(let attributes)? = body["attributes"],
            case .string(let seqs)? = attributes["seqs"]
        else { return [] }
        return ErasurePlan.ranges(parsing: seqs) ?? []
    }
}

/// Reads node hashes at tile-level positions from the `tiles` table, one tile at a time.
private struct TileReader {
    let db: Database
    var cache: [Int: (index: Int64, data: [UInt8])] = [:]

    init(db: Database) {
        self.db = db
    }

    mutating func node(level: Int, index: UInt64) throws -> TreeHash? {
        let tile = Int64(index / 256)
        if cache[level]?.index != tile {
            let data = try Data.fetchOne(
                db,
                sql: "SELECT data FROM tiles WHERE level = ? AND idx = ?",
                arguments: [level, tile]
            )
            cache[level] = (tile, data.map { [UInt8]($0) } ?? [])
        }
        let data = cache[level]!.data
        let offset = Int(index % 256) * TreeHash.byteCount
        guard offset + TreeHash.byteCount <= data.count else { return nil }
        return try TreeHash(bytes: data[offset..<offset + TreeHash.byteCount])
    }
}
