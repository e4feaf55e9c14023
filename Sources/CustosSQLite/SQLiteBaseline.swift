public import CustosCore
import CustosStore
import Foundation
import GRDB
import GRDBSQLite

/// The benchmark baseline for ingest: plain SQLite inserts of exactly the rows the store writes for some events
/// (the `events` row and a `(key, seq)` entry per posting) with the same pragmas and one transaction per batch, the
/// conventional way: every index maintained in the durable transaction (the store's version-1 schema, with the
/// covering time index) — with every row computed before the clock starts and nothing else done (no validation, no
/// idempotency look-ups, no rollups, no ledger). `custos bench store` reports the store's rate as a ratio of this one.
public enum SQLiteBaseline {
    /// Inserts the rows of `events` in batches of `batchSize` into a fresh database in `directory`; returns the
    /// seconds spent inserting.
    public static func insertSeconds(
        _ events: [AccessEvent],
        batchSize: Int,
        directory: String,
        options: SQLiteStore.Options = .init()
    ) throws -> Double {
        // The same process-wide SQLite options as the store's (it may open first).
        _ = SQLiteLibrary.configured
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = Configuration()
        let durable = options.durable
        let cache = options.writerCacheKiB
        let pageSize = options.pageSize
        config.prepareDatabase { db in
            if let pageSize { try db.execute(sql: "PRAGMA page_size = \(pageSize)") }
            try db.execute(sql: "PRAGMA synchronous = \(durable ? "FULL" : "OFF")")
            try db.execute(sql: "PRAGMA cache_size = -\(cache)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let queue = try DatabaseQueue(
            path: (directory as NSString).appendingPathComponent("baseline.sqlite"),
            configuration: config
        )
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            for sql in SQLiteSchema.statements + SQLiteEventsTimeCoverSchema.statements { try db.execute(sql: sql) }
        }
        let prepared = EventClaims.commit(events)
        let received = Timestamp(millisecondsSinceEpoch: 1_795_420_800_000)
        let start = ContinuousClock.now
        var seq: Int64 = 0
        var index = 0
        while index < prepared.count {
            let batch = prepared[index..<min(index + batchSize, prepared.count)]
            index += batch.count
            try queue.write { db in
                let insertEvent = try RawStatement(
                    db,
                    """
                    INSERT INTO events(seq, time, received, actor_h, session_h, action_h, outcome, dataset_h, \
                    resource_h, app_h, rows, bytes, idem_h, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                    """
                )
                let insertSubject = try RawStatement(
                    db,
                    "INSERT OR IGNORE INTO event_subjects(subject_h, seq) VALUES (?, ?)"
                )
                for p in batch {
                    insertEvent.bind(1, seq)
                    insertEvent.bind(2, p.event.time.millisecondsSinceEpoch)
                    insertEvent.bind(3, received.millisecondsSinceEpoch)
                    insertEvent.bind(4, p.keys.actor)
                    insertEvent.bind(5, p.keys.session)
                    insertEvent.bind(6, p.keys.action)
                    insertEvent.bind(7, Int64(OutcomeCode.of(p.event.outcome)))
                    insertEvent.bind(8, p.keys.dataset)
                    insertEvent.bind(9, p.keys.resource)
                    insertEvent.bind(10, p.keys.app)
                    insertEvent.bind(11, p.event.rows)
                    insertEvent.bind(12, p.event.bytes)
                    insertEvent.bind(13, p.keys.clientID)
                    insertEvent.bindBlob(14, p.body)
                    try insertEvent.run()
                    for s in p.keys.subjects {
                        insertSubject.bind(1, s)
                        insertSubject.bind(2, seq)
                        try insertSubject.run()
                    }
                    seq += 1
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
