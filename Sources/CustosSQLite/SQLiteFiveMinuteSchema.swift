import CustosCore
import CustosStore
import GRDB
import GRDBSQLite

/// The five-minute rollup migration (docs/storage.md): one row per dataset, five-minute slot of UTC time (numbered from
/// the epoch) and actor, kept in the ingest transaction (the coarser levels are sums of its cells, docs/storage.md
/// "Rolled hours"). It is the finest level of a dataset report, so the partial hours at a range's two edges are read as
/// whole slots, and only what is left — less than five minutes on each side — from the events: on the busiest dataset
/// of a 10-million-event store an edge hour held up to 33,000 events, five minutes about 2,700.
enum SQLiteFiveMinuteSchema {
    /// The migration's name.
    static let migration = "v12-dataset-5min"

    /// Its statements; ``backfill(_:)`` then fills the table from the events already stored.
    static let statements: [String] = [SQLiteRollupTable.create("dataset_5min", bucket: "slot")]

    /// Fills `dataset_5min` from the per-dataset time index (dataset hash, time, actor hash, rows, bytes), which
    /// walks each dataset's events in time order, so each slot's cells are summed and written before the next
    /// slot's are read. Hashes are named from the all-time rollup; if two of its names share a hash, or a hash is not
    /// among them, the events are read from their bodies instead. Events erased before the upgrade have lost their
    /// dataset and are in neither (docs/storage.md).
    static func backfill(_ db: Database) throws {
        var datasets: [Int64: String] = [:]
        var actors: [Int64: String] = [:]
        var ambiguous = false
        let names = try RawStatement(db, "SELECT dataset, actor FROM dataset_totals WHERE bucket = 0")
        try names.query { row in
            let dataset = columnString(row, 0)
            let actor = columnString(row, 1)
            for (name, table) in [(dataset, 0), (actor, 1)] {
                let hash = StableHash.of(name)
                let known = table == 0 ? datasets[hash] : actors[hash]
                if let known, known != name { ambiguous = true }
                if table == 0 { datasets[hash] = name } else { actors[hash] = name }
            }
        }
        var cells: [RollupKey: RollupTotals] = [:]
        var current: (dataset: Int64, slot: Int64)?
        func flush() throws {
            try SQLiteStore.applyDatasetRollup(cells, table: "dataset_5min", bucket: "slot", db: db)
            cells.removeAll(keepingCapacity: true)
        }
        // From the bodies: the fallback when a hash cannot be named unambiguously.
        func fromBodies() throws {
            try db.execute(sql: "DELETE FROM dataset_5min")
            cells.removeAll()
            let events = try RawStatement(db, "SELECT seq, body FROM events WHERE dataset_h IS NOT NULL ORDER BY seq")
            try events.query { row in
                let e = try SQLiteStore.decode(
                    seq: sqlite3_column_int64(row, 0),
                    received: 0,
                    body: columnBytes(row, 1)
                )
                .event
                guard let dataset = e.resource?.dataset else { return }
                let slot = e.time.millisecondsSinceEpoch.floorDivided(by: RollupLevel.fiveMinutely.width)
                cells[RollupKey(dataset: dataset, bucket: slot, actor: e.actor.id), default: RollupTotals()].add(e)
                if cells.count >= 100_000 { try flush() }
            }
            try flush()
        }
        if ambiguous { return try fromBodies() }
        let index = try RawStatement(
            db,
            """
            SELECT dataset_h, time, actor_h, rows, bytes FROM events INDEXED BY events_dataset_time
            WHERE dataset_h IS NOT NULL ORDER BY dataset_h, time
            """
        )
        struct Unnamed: Error {}
        do {
            try index.query { row in
                let datasetHash = sqlite3_column_int64(row, 0)
                let time = sqlite3_column_int64(row, 1)
                let slot = time.floorDivided(by: RollupLevel.fiveMinutely.width)
                if let c = current, c.dataset != datasetHash || c.slot != slot { try flush() }
                current = (datasetHash, slot)
                guard let dataset = datasets[datasetHash], let actor = actors[sqlite3_column_int64(row, 2)] else {
                    throw Unnamed()
                }
                cells[RollupKey(dataset: dataset, bucket: slot, actor: actor), default: RollupTotals()]
                    .add(
                        events: 1,
                        rows: sqlite3_column_int64(row, 3),
                        bytes: sqlite3_column_int64(row, 4),
                        first: time,
                        last: time
                    )
            }
            try flush()
        } catch is Unnamed {
            try fromBodies()
        }
    }
}
