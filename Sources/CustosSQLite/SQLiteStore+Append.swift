public import CustosCore
import CustosLedger
public import CustosStore
import Foundation
import GRDB
import GRDBSQLite

/// A cell of a dataset rollup: one dataset, one time bucket (a UTC day or hour), one actor.
struct RollupKey: Hashable {
    var dataset: String
    var bucket: Int64
    var actor: String
}

private struct SessionKey: Hashable {
    var actor: String
    var session: String
}

extension SessionSummary {
    /// The session key of an event: its host session id, or `@YYYY-MM-DD` (UTC) when it has none.
    static func key(session: String?, time: Timestamp) -> String {
        session ?? "@" + String(time.rfc3339.prefix(10))
    }

    /// Adds a committed event, reading its fields in place (a copy of the event would retain each of its strings).
    mutating func add(_ p: CommittedEvent) {
        start = min(start, p.event.time)
        end = max(end, p.event.time)
        events += 1
        rows += p.event.rows ?? 0
        bytes += p.event.bytes ?? 0
        if p.event.outcome == .denied { denied += 1 }
        if let d = p.event.resource?.dataset, !datasets.contains(d), datasets.count < 32 { datasets.append(d) }
        actions[p.event.action, default: 0] += 1
    }
}

extension SQLiteStore: EventStore {
    public func append(_ requests: [[AccessEvent]], received: Timestamp) async throws -> [AppendResult] {
        guard ledgerEnabled else {
            let prepared = requests.map { request in
                request.map {
                    CommittedEvent(
                        event: $0,
                        body: $0.canonicalBytes,
                        salts: [],
                        commitment: MerkleTreeHasher.emptyTreeHash,
                        keys: EventIndexKeys($0)
                    )
                }
            }
            return try await write(prepared, received: received)
        }
        var flat = EventClaims.commitInParallel(requests.flatMap { $0 })[...]
        let committed = requests.map { request in request.map { _ in flat.removeFirst() } }
        return try await write(committed, received: received)
    }

    public func append(
        _ requests: [[AccessEvent]],
        committed: [[CommittedEvent]],
        received: Timestamp
    ) async throws
        -> [AppendResult]
    {
        guard committed.count == requests.count, zip(requests, committed).allSatisfy({ $0.count == $1.count }) else {
            return try await append(requests, received: received)
        }
        // Each committed event carries its event: the requests themselves are not read again.
        return try await write(committed, received: received)
    }

    private func write(_ prepared: [[CommittedEvent]], received: Timestamp) async throws -> [AppendResult] {
        do {
            let ledger = ledgerEnabled
            let pending = indexer.pending
            let packer = packer
            let checkpointer = checkpointer
            let clientIDs = clientIDs
            // Backpressure: the writer runs at most `pendingPostingsLimit` events ahead of the index file.
            await pending.waitForRoom()
            return try await pool.writeWithoutTransaction { db in
                let appended = try Self.inStoreTransaction(db) {
                    try Self.append(
                        prepared,
                        received: received,
                        ledger: ledger,
                        pending: pending,
                        clientIDs: clientIDs,
                        db: db
                    )
                }
                // Handed over after the commit and before the next transaction can start (so it finds these client
                // ids) and before the commit is acknowledged (so queries see every acknowledged event).
                pending.append(appended.entries)
                if let last = appended.entries.last {
                    clientIDs.committed(
                        appended.entries.lazy.compactMap(\.keys.clientID),
                        events: appended.entries.count,
                        through: last.seq + 1
                    )
                }
                packer.nudge()
                checkpointer.closeGapIfLong(db)
                checkpointer.nudge()
                return appended.results
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "append failed: \(error)")
        }
    }

    private static func append(
        _ requests: [[CommittedEvent]],
        received: Timestamp,
        ledger: Bool,
        pending: PendingPostings,
        clientIDs: ClientIDFilter,
        db: Database
    ) throws
        -> (results: [AppendResult], entries: [PendingPostings.Entry])
    {
        var nextSeq = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq) + 1, 0) FROM events") ?? 0
        // Cells at or after the roll mark go to the five-minute level only; the roller adds them to the coarser ones.
        let rolledBelow = try rolledBelow(db)
        // Client ids below the index file's watermark (as this transaction sees it) are found there, the rest in
        // the pending tail, which only the writer prunes, and only below that same watermark.
        let watermark = try PostingIndexer.watermark(db, schema: SQLitePostingsSchema.schema)
        pending.prune(below: watermark)
        // Events another process appended to the same file since this one's last commit join the tail first, so
        // their client ids are found and their postings written (by whichever indexer gets there first).
        let known = max(pending.appendedThrough, watermark)
        if nextSeq > known { pending.append(try SQLiteStore.foreignEntries(db, from: known)) }
        try clientIDs.catchUp(to: nextSeq, db: db)
        var entries: [PendingPostings.Entry] = []
        // The new events, written after the loop in seq order: `leaves[i]` is `inserts[i]`'s when the ledger is on.
        var inserts: [(seq: Int64, prepared: CommittedEvent)] = []
        inserts.reserveCapacity(requests.reduce(0) { $0 + $1.count })
        let findIndexedID = try RawStatement(
            db,
            "SELECT seq FROM ix.client_ids WHERE key = ? AND seq < ?"
        )
        let findBody = try RawStatement(db, "SELECT body FROM events WHERE seq = ?")
        // Client ids stored by this transaction, by hash (in front of the postings and the pending tail).
        var committedIDs: [Int64: (seq: Int64, prepared: CommittedEvent)] = [:]
        var slots: [RollupKey: RollupTotals] = [:]
        var sessions: [SessionKey: SessionSummary] = [:]
        var results: [AppendResult] = []
        results.reserveCapacity(requests.count)
        let firstSeq = nextSeq
        var leaves: [LedgerLeaf] = []

        for request in requests {
            // Resolve client ids first, so a conflicting request writes nothing.
            var existing: [Int: Int64] = [:]
            var conflicts: [IDConflict] = []
            for (i, p) in request.enumerated() {
                guard let hash = p.keys.clientID, let id = p.event.id else { continue }
                if let prior = committedIDs[hash], prior.prepared.event.id == id,
                    prior.prepared.event.app == p.event.app
                {
                    if prior.prepared.body == p.body {
                        existing[i] = prior.seq
                    } else {
                        conflicts.append(IDConflict(index: i, id: id, existingSeq: prior.seq))
                    }
                    continue
                }
                // A new id, as most are, is certainly absent from the filter, which holds every stored id: neither
                // the index file nor the pending tail has it.
                if clientIDs.certainlyAbsent(hash) { continue }
                var candidates: [Int64] = []
                findIndexedID.bind(1, hash)
                findIndexedID.bind(2, watermark)
                try findIndexedID.query { row in candidates.append(sqlite3_column_int64(row, 0)) }
                candidates += pending.seqs(clientID: hash).filter { $0 >= watermark }
                for seq in candidates {
                    findBody.bind(1, seq)
                    try findBody.query { row in
                        let body = columnBytes(row, 0)
                        if body.elementsEqual(p.body) {
                            existing[i] = seq
                        } else if let stored = try? SQLiteStore.decode(seq: seq, received: 0, body: body),
                            stored.event.app == p.event.app, stored.event.id == id
                        {
                            conflicts.append(IDConflict(index: i, id: id, existingSeq: seq))
                        }
                    }
                }
            }
            if !conflicts.isEmpty {
                results.append(.conflict(conflicts))
                continue
            }
            var seqs: [Int64] = []
            seqs.reserveCapacity(request.count)
            var stored = 0
            for (i, p) in request.enumerated() {
                if let seq = existing[i] {
                    seqs.append(seq)
                    continue
                }
                let seq = nextSeq
                let time = p.event.time.millisecondsSinceEpoch
                inserts.append((seq, p))
                if ledger {
                    let entry = LedgerEntry(
                        sequenceNumber: UInt64(seq),
                        eventTimeMilliseconds: time,
                        commitment: p.commitment
                    )
                    let encoded = entry.encoded
                    leaves.append(LedgerLeaf(entry: encoded, hash: MerkleTreeHasher.leafHash(of: encoded)))
                }
                entries.append(.init(seq: seq, time: time, keys: p.keys))
                if let hash = p.keys.clientID { committedIDs[hash] = (seq, p) }
                tally(p, slots: &slots, sessions: &sessions)
                seqs.append(seq)
                nextSeq += 1
                stored += 1
            }
            results.append(.accepted(AppendReceipt(seqs: seqs, stored: stored, duplicates: request.count - stored)))
        }
        try insertEvents(inserts, leaves: ledger ? leaves : nil, received: received, db: db)
        // Every cell goes to the five-minute level and the per-day activity; only cells below the roll mark (events
        // that came after their hour was rolled) go to the coarser levels here.
        let slotsPerDay = RollupLevel.daily.width / RollupLevel.fiveMinutely.width
        var late: [RollupKey: RollupTotals] = [:]
        var activityDays: [RollupKey: RollupTotals] = [:]
        for (k, t) in slots {
            if k.bucket < rolledBelow { late[k] = t }
            activityDays[
                RollupKey(dataset: k.dataset, bucket: k.bucket.floorDivided(by: slotsPerDay), actor: ""),
                default: .init()
            ]
            .merge(t)
        }
        try applyDatasetRollup(
            slots,
            table: RollupLevel.fiveMinutely.table,
            bucket: RollupLevel.fiveMinutely.bucket,
            db: db
        )
        try applyCoarseLevels(late, db: db)
        try applyActivityDaily(activityDays, db: db)
        try invalidatePacks(slots, db: db)
        try applySessionRollup(sessions, db: db)
        if ledger { try appendToLedger(leaves, firstSeq: firstSeq, db: db) }
        return (results, entries)
    }

    /// Adds a new event to its five-minute rollup cell and its session (its fields read in place, as above).
    private static func tally(
        _ p: CommittedEvent,
        slots: inout [RollupKey: RollupTotals],
        sessions: inout [SessionKey: SessionSummary]
    ) {
        let time = p.event.time
        if let dataset = p.event.resource?.dataset {
            let ms = time.millisecondsSinceEpoch
            slots[
                RollupKey(
                    dataset: dataset,
                    bucket: ms.floorDivided(by: RollupLevel.fiveMinutely.width),
                    actor: p.event.actor.id
                ),
                default: .init()
            ]
            .add(events: 1, rows: p.event.rows ?? 0, bytes: p.event.bytes ?? 0, first: ms, last: ms)
        }
        let sk = SessionKey(
            actor: p.event.actor.id,
            session: SessionSummary.key(session: p.event.actor.session, time: time)
        )
        sessions[
            sk,
            default: SessionSummary(
                session: sk.session,
                actor: sk.actor,
                start: time,
                end: time,
                events: 0,
                rows: 0,
                bytes: 0,
                denied: 0,
                datasets: [],
                actions: [:]
            )
        ].add(p)
    }

    /// Inserts the new events of a transaction, several per statement (``MultiRowInsert``).
    private static func insertEvents(
        _ inserts: [(seq: Int64, prepared: CommittedEvent)],
        leaves: [LedgerLeaf]?,
        received: Timestamp,
        db: Database
    ) throws {
        let insert = try MultiRowInsert(
            db,
            """
            INSERT INTO events(seq, time, received, actor_h, session_h, action_h, outcome, dataset_h, resource_h, \
            app_h, rows, bytes, idem_h, body, salts, leaf)
            """,
            columns: 16,
            rowsPerStatement: 32
        )
        let receivedMilliseconds = received.millisecondsSinceEpoch
        try insert.insert(count: inserts.count) { row, statement, first in
            let (seq, p) = inserts[row]
            statement.bind(first, seq)
            statement.bind(first + 1, p.event.time.millisecondsSinceEpoch)
            statement.bind(first + 2, receivedMilliseconds)
            statement.bind(first + 3, p.keys.actor)
            statement.bind(first + 4, p.keys.session)
            statement.bind(first + 5, p.keys.action)
            statement.bind(first + 6, Int64(OutcomeCode.of(p.event.outcome)))
            statement.bind(first + 7, p.keys.dataset)
            statement.bind(first + 8, p.keys.resource)
            statement.bind(first + 9, p.keys.app)
            statement.bind(first + 10, p.event.rows)
            statement.bind(first + 11, p.event.bytes)
            statement.bind(first + 12, p.keys.clientID)
            statement.bindBlob(first + 13, p.body)
            if let leaves {
                statement.bindBlob(first + 14, p.salts)
                statement.bindBlob(first + 15, leaves[row].hash.bytes)
            } else {
                statement.bind(first + 14, nil as Int64?)
                statement.bind(first + 15, nil as Int64?)
            }
        }
    }

    static func applyDatasetRollup(
        _ cells: [RollupKey: RollupTotals],
        table: String,
        bucket: String,
        db: Database
    ) throws {
        guard !cells.isEmpty else { return }
        let upsert = try RawStatement(
            db,
            """
            INSERT INTO \(table)(dataset, \(bucket), actor, events, rows, bytes, first, last) VALUES (?,?,?,?,?,?,?,?)
            ON CONFLICT(dataset, \(bucket), actor) DO UPDATE SET events = events + excluded.events,
            rows = rows + excluded.rows, bytes = bytes + excluded.bytes,
            first = min(first, excluded.first), last = max(last, excluded.last)
            """
        )
        for (k, t) in cells {
            upsert.bind(1, k.dataset)
            upsert.bind(2, k.bucket)
            upsert.bind(3, k.actor)
            upsert.bind(4, t.events)
            upsert.bind(5, t.rows)
            upsert.bind(6, t.bytes)
            upsert.bind(7, t.first)
            upsert.bind(8, t.last)
            try upsert.run()
        }
    }

    private static func applySessionRollup(_ sessions: [SessionKey: SessionSummary], db: Database) throws {
        guard !sessions.isEmpty else { return }
        let select = try RawStatement(
            db,
            """
            SELECT start, end, events, rows, bytes, denied, datasets, actions FROM sessions
            WHERE actor = ? AND session = ?
            """
        )
        // A session already stored is updated in place: its row changes, and its index entries only if its start
        // moves earlier (a replace would delete and re-insert both index entries).
        let insert = try RawStatement(
            db,
            """
            INSERT INTO sessions(actor, session, start, end, events, rows, bytes, denied, datasets, actions)
            VALUES (?,?,?,?,?,?,?,?,?,?)
            """
        )
        let update = try RawStatement(
            db,
            """
            UPDATE sessions SET start = ?3, end = ?4, events = ?5, rows = ?6, bytes = ?7, denied = ?8, datasets = ?9,
            actions = ?10 WHERE actor = ?1 AND session = ?2
            """
        )
        for (k, new) in sessions {
            var merged = new
            var stored = false
            select.bind(1, k.actor)
            select.bind(2, k.session)
            try select.query { row in
                stored = true
                let old = SQLiteStore.sessionSummary(actor: k.actor, session: k.session, row: row, offset: 0)
                merged.start = min(old.start, new.start)
                merged.end = max(old.end, new.end)
                merged.events += old.events
                merged.rows += old.rows
                merged.bytes += old.bytes
                merged.denied += old.denied
                merged.datasets = old.datasets
                for d in new.datasets where !merged.datasets.contains(d) && merged.datasets.count < 32 {
                    merged.datasets.append(d)
                }
                merged.actions = old.actions.merging(new.actions, uniquingKeysWith: +)
            }
            let write = stored ? update : insert
            write.bind(1, k.actor)
            write.bind(2, k.session)
            write.bind(3, merged.start.millisecondsSinceEpoch)
            write.bind(4, merged.end.millisecondsSinceEpoch)
            write.bind(5, merged.events)
            write.bind(6, merged.rows)
            write.bind(7, merged.bytes)
            write.bind(8, merged.denied)
            write.bind(9, CanonicalJSON.string(.array(merged.datasets.map { .string($0) })))
            write.bind(
                10,
                CanonicalJSON.string(.object(JSONObject(merged.actions.map { ($0.key, .integer($0.value)) })))
            )
            try write.run()
        }
    }

    /// Reads a session row's columns start…actions beginning at `offset`.
    static func sessionSummary(actor: String, session: String, row: OpaquePointer, offset i: Int32) -> SessionSummary {
        func text(_ c: Int32) -> [UInt8] { Array(columnBytes(row, c)) }
        var datasets: [String] = []
        if case .array(let a)? = try? JSONParser().parse(text(i + 6)) { datasets = a.compactMap(\.stringValue) }
        var actions: [String: Int64] = [:]
        if case .object(let o)? = try? JSONParser().parse(text(i + 7)) {
            for (k, v) in o.members { if case .integer(let n) = v { actions[k] = n } }
        }
        return SessionSummary(
            session: session,
            actor: actor,
            start: Timestamp(millisecondsSinceEpoch: sqlite3_column_int64(row, i)),
            end: Timestamp(millisecondsSinceEpoch: sqlite3_column_int64(row, i + 1)),
            events: sqlite3_column_int64(row, i + 2),
            rows: sqlite3_column_int64(row, i + 3),
            bytes: sqlite3_column_int64(row, i + 4),
            denied: sqlite3_column_int64(row, i + 5),
            datasets: datasets,
            actions: actions
        )
    }
}

/// The integer stored for each outcome.
enum OutcomeCode {
    static func of(_ o: Outcome) -> Int {
        switch o {
        case .success: 0
        case .denied: 1
        case .failure: 2
        }
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (time buckets before 1970 stay contiguous).
    func floorDivided(by d: Int64) -> Int64 {
        self >= 0 ? self / d : (self - d + 1) / d
    }
}
