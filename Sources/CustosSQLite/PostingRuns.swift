import GRDB
import GRDBSQLite

/// The postings of the index file (``SQLitePostingsSchema``) kept as sorted runs, the way a log-structured merge
/// tree keeps them (docs/storage.md, "Posting runs"): each chunk of events the indexer takes becomes one run, written
/// in key order at the end of the table; adjacent runs are merged in the background by a ``PostingMergePolicy``; a
/// look-up reads every run (a few B-tree descents). The pages a chunk writes are new pages, not random pages of one
/// B-tree that grows with the store.
enum PostingRuns {
    /// A posting as the runs hold it.
    typealias Posting = (kind: Int64, key: Int64, seq: Int64)

    /// The runs the transaction sees, in seq order (they cover `0 ..< watermark` without gaps or overlaps).
    static func list(_ db: Database, schema: String = "main") throws -> [PostingRun] {
        let statement = try RawStatement(db, "SELECT run, first, end, entries FROM \(schema).runs ORDER BY first")
        var runs: [PostingRun] = []
        try statement.query { row in
            runs.append(
                PostingRun(
                    id: sqlite3_column_int64(row, 0),
                    first: sqlite3_column_int64(row, 1),
                    end: sqlite3_column_int64(row, 2),
                    entries: sqlite3_column_int64(row, 3)
                )
            )
        }
        return runs
    }

    /// Writes `postings` (sorted by kind, key, seq) of the events `first ..< end`: into the newest run while it is
    /// smaller than `openEntries` (``PostingMergePolicy/openEntries``), else as a new run.
    static func append(_ postings: [Posting], first: Int64, end: Int64, openEntries: Int64, db: Database) throws {
        let newest = try list(db).last
        let open = newest.flatMap { $0.end == first && $0.entries < openEntries ? $0 : nil }
        let id = try open?.id ?? nextID(db)
        let insert = try MultiRowInsert(db, "INSERT INTO run_postings(run, kind, key, seq)", columns: 4)
        try insert.insert(count: postings.count) { row, column in
            switch column {
            case 0: id
            case 1: postings[row].kind
            case 2: postings[row].key
            default: postings[row].seq
            }
        }
        if let open {
            try db.execute(
                sql: "UPDATE runs SET end = ?, entries = entries + ? WHERE run = ?",
                arguments: [end, postings.count, open.id]
            )
        } else {
            try record(PostingRun(id: id, first: first, end: end, entries: Int64(postings.count)), db: db)
        }
    }

    /// Merges the next runs the policy names, in the caller's transaction; false when the runs are settled.
    static func mergeStep(policy: PostingMergePolicy, db: Database) throws -> Bool {
        let runs = try list(db)
        guard let group = policy.nextMerge(runs) else { return false }
        try merge(Array(runs[group]), db: db)
        return true
    }

    /// Replaces adjacent `runs` (in seq order) with one run holding all their postings.
    static func merge(_ runs: [PostingRun], db: Database) throws {
        guard let first = runs.first, let last = runs.last else { return }
        let id = try nextID(db)
        // One statement: each run is read in key order from its own range of the primary key and SQLite merges them
        // (a compound SELECT with ORDER BY merges its sorted arms, no sort); as the statement reads the table it
        // writes, SQLite stages the merged postings in a temporary table (a file beyond a small cache) and then
        // writes them through one insert cursor that stays at the end of the table, so no posting costs a descent
        // from the root, or a statement of its own.
        let arms = runs.map { "SELECT \(id), kind, key, seq FROM run_postings WHERE run = \($0.id)" }
        try db.execute(
            sql:
                "INSERT INTO run_postings(run, kind, key, seq) \(arms.joined(separator: " UNION ALL ")) ORDER BY 2, 3, 4"
        )
        let written = Int64(db.changesCount)
        let delete = try RawStatement(db, "DELETE FROM run_postings WHERE run = ?")
        let forget = try RawStatement(db, "DELETE FROM runs WHERE run = ?")
        for run in runs {
            delete.bind(1, run.id)
            try delete.run()
            forget.bind(1, run.id)
            try forget.run()
        }
        try record(PostingRun(id: id, first: first.first, end: last.end, entries: written), db: db)
    }

    /// The run that holds the postings of event `seq`, if any.
    static func run(containing seq: Int64, db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT run FROM runs WHERE first <= ? AND ? < end", arguments: [seq, seq])
    }

    private static func nextID(_ db: Database) throws -> Int64 {
        // Ids only grow, even past merged-away runs, so a new run's postings sort after every other run's.
        let highest = try Int64.fetchOne(db, sql: "SELECT max(run) FROM run_postings") ?? 0
        let listed = try Int64.fetchOne(db, sql: "SELECT max(run) FROM runs") ?? 0
        return max(highest, listed) + 1
    }

    private static func record(_ run: PostingRun, db: Database) throws {
        try db.execute(
            sql: "INSERT INTO runs(run, first, end, entries) VALUES (?, ?, ?, ?)",
            arguments: [run.id, run.first, run.end, run.entries]
        )
    }
}
