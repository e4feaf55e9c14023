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
        let insert = try RawStatement(db, "INSERT INTO run_postings(run, kind, key, seq) VALUES (?, ?, ?, ?)")
        for p in postings {
            insert.bind(1, id)
            insert.bind(2, p.kind)
            insert.bind(3, p.key)
            insert.bind(4, p.seq)
            try insert.run()
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
        // Each source is read in key order a batch at a time, so no read cursor is open while the merged run is
        // written (SQLite would save and re-seek it on every insert).
        let next = try RawStatement(
            db,
            """
            SELECT kind, key, seq FROM run_postings WHERE run = ? AND (kind, key, seq) > (?, ?, ?)
            ORDER BY kind, key, seq LIMIT \(mergeBatch)
            """
        )
        func batch(_ run: Int64, after p: Posting) throws -> [Posting] {
            var out: [Posting] = []
            out.reserveCapacity(mergeBatch)
            next.bind(1, run)
            next.bind(2, p.kind)
            next.bind(3, p.key)
            next.bind(4, p.seq)
            try next.query { row in
                out.append((sqlite3_column_int64(row, 0), sqlite3_column_int64(row, 1), sqlite3_column_int64(row, 2)))
            }
            return out
        }
        let before: Posting = (.min, .min, .min)
        var heads = try runs.map { try batch($0.id, after: before)[...] }
        let insert = try RawStatement(db, "INSERT INTO run_postings(run, kind, key, seq) VALUES (?, ?, ?, ?)")
        var written: Int64 = 0
        while true {
            var best: Int?
            for (i, h) in heads.enumerated() {
                guard let p = h.first else { continue }
                if let b = best, let q = heads[b].first, (q.kind, q.key, q.seq) <= (p.kind, p.key, p.seq) { continue }
                best = i
            }
            guard let b = best, let p = heads[b].popFirst() else { break }
            insert.bind(1, id)
            insert.bind(2, p.kind)
            insert.bind(3, p.key)
            insert.bind(4, p.seq)
            try insert.run()
            written += 1
            if heads[b].isEmpty { heads[b] = try batch(runs[b].id, after: p)[...] }
        }
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

    /// How many postings a merge reads from each source at a time.
    static let mergeBatch = 16_384

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
