import CustosCore
import CustosSQLite
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

/// The postings that find events by actor, session, resource, subject and client id live in an index file written
/// after the commit (docs/storage.md, "Deferred postings"): every answer must be the same whether an event's
/// postings are still pending in memory, already in the index file, or rebuilt after a crash.
@Suite("Deferred postings")
struct DeferredPostingsTests {
    static let received = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 1)

    static func paused() -> SQLiteStore.Options {
        var options = SQLiteStore.Options()
        options.indexesInBackground = false
        return options
    }

    /// 240 events over 4 actors, 6 sessions, 9 resources and 13 subjects, some without a session or resource.
    static func workload(from start: Int = 0, count: Int = 240) -> [AccessEvent] {
        (start..<start + count).map { (n: Int) -> AccessEvent in
            let session: String? = n % 7 == 0 ? nil : "s-\(n % 6)"
            let resource: String? = n % 5 == 0 ? nil : "r/\(n % 9)"
            let subjects: [String] = (0..<(n % 3)).map { (k: Int) -> String in "person:\((n + k * 5) % 13)" }
            return EventFixtures.event(
                id: "w-\(n)",
                minutes: Int64(n),
                actor: "officer-\(n % 4)",
                session: session,
                resource: resource,
                subjects: subjects
            )
        }
    }

    /// Every query the postings serve, each in both orders and paged by 7, as seqs.
    static func answers(_ store: SQLiteStore) async throws -> [String: [Int64]] {
        var out: [String: [Int64]] = [:]
        var queries: [(String, EventQuery)] = []
        for a in 0..<4 { queries.append(("actor \(a)", EventQuery(actor: "officer-\(a)"))) }
        for s in 0..<6 { queries.append(("session \(s)", EventQuery(session: "s-\(s)"))) }
        for r in 0..<9 { queries.append(("resource \(r)", EventQuery(resource: "r/\(r)"))) }
        for n in 0..<13 { queries.append(("subject \(n)", EventQuery(subject: "person:\(n)"))) }
        queries.append(("actor 1 + resource 3", EventQuery(actor: "officer-1", resource: "r/3")))
        for (name, base) in queries {
            for order in [PageOrder.ascending, .descending] {
                var query = base
                query.order = order
                query.limit = 7
                var seqs: [Int64] = []
                while true {
                    let page = try await store.events(query)
                    seqs += page.events.map(\.seq)
                    guard let next = page.nextCursor else { break }
                    query.cursor = next
                }
                out["\(name) \(order)"] = seqs
            }
        }
        for n in 0..<13 {
            let access = try await store.subjectAccess(SubjectAccessQuery(subject: "person:\(n)", limit: 1000))
            out["subject access \(n)"] = access.events.map(\.seq) + [access.total ?? -1]
        }
        for s in 0..<6 {
            out["session report \(s)"] = try await store.session(SessionQuery(session: "s-\(s)", limit: 5000))?
                .page.events.map(\.seq)
        }
        return out
    }

    /// The same answers computed from the events themselves.
    static func expected(_ events: [AccessEvent]) -> [String: [Int64]] {
        var out: [String: [Int64]] = [:]
        let stored = events.enumerated().map { (Int64($0.offset), $0.element) }
        func add(_ name: String, _ keep: (AccessEvent) -> Bool) {
            let seqs = stored.filter { keep($0.1) }.map(\.0)
            out["\(name) ascending"] = seqs
            out["\(name) descending"] = seqs.reversed()
        }
        for a in 0..<4 { add("actor \(a)") { $0.actor.id == "officer-\(a)" } }
        for s in 0..<6 { add("session \(s)") { $0.actor.session == "s-\(s)" } }
        for r in 0..<9 { add("resource \(r)") { $0.resource?.id == "r/\(r)" } }
        for n in 0..<13 { add("subject \(n)") { $0.subjects.contains("person:\(n)") } }
        add("actor 1 + resource 3") { $0.actor.id == "officer-1" && $0.resource?.id == "r/3" }
        for n in 0..<13 {
            let seqs = stored.filter { $0.1.subjects.contains("person:\(n)") }.map(\.0)
            out["subject access \(n)"] = seqs.reversed() + [Int64(seqs.count)]
        }
        for s in 0..<6 {
            let seqs = stored.filter { $0.1.actor.session == "s-\(s)" }.map(\.0)
            out["session report \(s)"] = seqs.isEmpty ? nil : seqs
        }
        return out
    }

    static func append(_ store: SQLiteStore, _ events: [AccessEvent], per batch: Int) async throws {
        var i = 0
        while i < events.count {
            _ = try await store.append([Array(events[i..<min(i + batch, events.count)])], received: received)
            i += batch
        }
    }

    static func indexedThrough(_ dir: TemporaryDirectory) throws -> Int64 {
        let queue = try DatabaseQueue(path: dir.path + "/custos-postings.sqlite")
        return try queue.read { try Int64.fetchOne($0, sql: "SELECT indexed_through FROM watermark") ?? 0 }
    }

    @Test("answers are the same with the postings pending, half indexed, and all indexed")
    func pendingAndIndexedAnswerAlike() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(directory: dir.path, options: Self.paused())
        let events = Self.workload()
        try await Self.append(store, events, per: 25)
        let want = Self.expected(events)
        #expect(try Self.indexedThrough(dir) == 0, "nothing is indexed while the indexer is paused")
        #expect(try await Self.answers(store) == want, "all pending")
        try await store.indexPendingPostings(through: 113)
        #expect(try Self.indexedThrough(dir) == 113)
        #expect(try await Self.answers(store) == want, "split between the index file and memory")
        try await store.indexPendingPostings()
        #expect(try Self.indexedThrough(dir) == 240)
        #expect(try await Self.answers(store) == want, "all indexed")
    }

    @Test("the background indexer catches up and answers match")
    func backgroundIndexerCatchesUp() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var options = SQLiteStore.Options()
        options.pendingPostingsLimit = 50
        let store = try SQLiteStore(directory: dir.path, options: options)
        let events = Self.workload()
        // Batches of 30 against a limit of 50 make appends wait for the indexer (backpressure).
        try await Self.append(store, events, per: 30)
        #expect(try await Self.answers(store) == Self.expected(events))
        try await store.waitForPostings()
        #expect(try Self.indexedThrough(dir) == 240)
        #expect(try await Self.answers(store) == Self.expected(events))
    }

    @Test("a retried batch is acknowledged whether its first copy is pending or indexed; a changed one conflicts")
    func clientIDsAcrossTheWatermark() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(directory: dir.path, options: Self.paused())
        let first = Self.workload(count: 40)
        let second = Self.workload(from: 40, count: 40)
        _ = try await store.append([first], received: Self.received)
        try await store.indexPendingPostings()
        _ = try await store.append([second], received: Self.received)
        for batch in [first, second, Array(first[30...] + second[..<10])] {
            let results = try await store.append([batch], received: Self.received)
            guard case .accepted(let receipt) = results[0] else {
                Issue.record("a retry is accepted: \(results)")
                continue
            }
            #expect(receipt.stored == 0 && receipt.duplicates == batch.count)
        }
        for (changed, seq) in [(first[3], Int64(3)), (second[5], Int64(45))] {
            var event = changed
            event.rows = 999
            let results = try await store.append([[event]], received: Self.received)
            guard case .conflict(let conflicts) = results[0] else {
                Issue.record("a changed event with a stored id conflicts: \(results)")
                continue
            }
            #expect(conflicts.map(\.existingSeq) == [seq])
        }
        #expect(try await store.statistics().events == 80)
    }

    @Test("two processes on one store find each other's unindexed events and client ids")
    func twoWritersOnOneFile() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let one = try SQLiteStore(directory: dir.path, options: Self.paused())
        let other = try SQLiteStore(directory: dir.path, options: Self.paused())
        let events = Self.workload()
        try await Self.append(one, Array(events[..<120]), per: 40)
        #expect(try await Self.answers(other) == Self.expected(Array(events[..<120])), "the other's pending events")
        // A retry through the other store is acknowledged, not stored again.
        let retry = try await other.append([Array(events[100..<140])], received: Self.received)
        guard case .accepted(let receipt) = retry[0] else {
            Issue.record("accepted: \(retry)")
            return
        }
        #expect(receipt.stored == 20 && receipt.duplicates == 20)
        try await Self.append(one, Array(events[140...]), per: 50)
        // The other indexes everything it knows, including the first one's events it absorbed when it wrote; the
        // first one's last events, appended after that, are indexed by the first.
        try await other.indexPendingPostings()
        try await one.indexPendingPostings()
        #expect(try Self.indexedThrough(dir) == 240)
        let want = Self.expected(events)
        #expect(try await Self.answers(one) == want)
        #expect(try await Self.answers(other) == want)
        let reopened = try SQLiteStore(directory: dir.path, options: Self.paused())
        #expect(try await Self.answers(reopened) == want)
    }

    @Test("postings lost in a crash, a deleted index file and an index file ahead of the store are all rebuilt")
    func recoveryRebuildsThePostings() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let events = Self.workload()
        let want = Self.expected(events)
        do {
            // Closed with everything pending: as after kill -9 before the indexer ran.
            let store = try SQLiteStore(directory: dir.path, options: Self.paused())
            try await Self.append(store, Array(events[..<200]), per: 40)
        }
        do {
            let store = try SQLiteStore(directory: dir.path, options: Self.paused())
            #expect(try Self.indexedThrough(dir) == 200, "the open caught up")
            #expect(try await Self.answers(store) == Self.expected(Array(events[..<200])))
            try await Self.append(store, Array(events[200...]), per: 40)
            try await store.indexPendingPostings()
        }
        let postings = dir.path + "/custos-postings.sqlite"
        let ahead = dir.path + "/ahead.sqlite"
        try FileManager.default.copyItem(atPath: postings, toPath: ahead)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: postings + suffix) }
        do {
            let store = try SQLiteStore(directory: dir.path)
            #expect(try await Self.answers(store) == want, "rebuilt from a deleted index file")
        }
        // A store cut back to its first 100 events beside the index file of all 240.
        let cut = try TemporaryDirectory()
        defer { cut.remove() }
        do {
            let store = try SQLiteStore(directory: cut.path, options: Self.paused())
            try await Self.append(store, Array(events[..<100]), per: 50)
        }
        for suffix in ["-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: cut.path + "/custos-postings.sqlite" + suffix)
        }
        try FileManager.default.removeItem(atPath: cut.path + "/custos-postings.sqlite")
        try FileManager.default.copyItem(atPath: ahead, toPath: cut.path + "/custos-postings.sqlite")
        let store = try SQLiteStore(directory: cut.path)
        #expect(try Self.indexedThrough(cut) == 100)
        #expect(try await Self.answers(store) == Self.expected(Array(events[..<100])))
    }

    @Test("a store from before the index file moves its postings there on first open")
    func migrationMovesTheOldIndexes() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let events = Self.workload()
        do {
            let store = try SQLiteStore(directory: dir.path)
            try await Self.append(store, events, per: 60)
            try await store.waitForPostings()
        }
        // Turn it back into the schema before the migration: the old indexes and subject table, filled from the
        // events, no index file, and the migration not yet recorded.
        let postings = dir.path + "/custos-postings.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: postings + suffix) }
        let queue = try DatabaseQueue.sideConnection(dir.path + "/custos.sqlite")
        try await queue.write { db in
            try db.execute(sql: "CREATE INDEX events_actor ON events(actor_h)")
            try db.execute(sql: "CREATE INDEX events_idem ON events(idem_h) WHERE idem_h IS NOT NULL")
            try db.execute(
                sql:
                    "CREATE TABLE event_subjects(subject_h INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(subject_h, seq)) WITHOUT ROWID"
            )
            for (seq, e) in events.enumerated() {
                for s in Set(e.subjects) {
                    try db.execute(sql: "INSERT INTO event_subjects VALUES (?, ?)", arguments: [StableHash.of(s), seq])
                }
            }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v9-deferred-postings'")
        }
        try queue.close()
        let store = try SQLiteStore(directory: dir.path, options: Self.paused())
        #expect(try Self.indexedThrough(dir) == 240, "the migration copied the postings and set the watermark")
        #expect(try await Self.answers(store) == Self.expected(events))
        let leftovers = try await DatabaseQueue.sideConnection(dir.path + "/custos.sqlite").read { db in
            try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE name IN ('events_actor', 'events_idem', 'event_subjects')"
            )
        }
        #expect(leftovers == [])
    }

    @Test("erased events leave their actor's, session's, resource's and subjects' answers")
    func erasureReplacesPostings() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try SQLiteStore(directory: dir.path, options: Self.paused())
        let events = Self.workload()
        try await Self.append(store, events, per: 40)
        // Half still pending when the erasure runs: it indexes them first.
        try await store.indexPendingPostings(through: 100)
        let cutoff = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 150 * 60_000)
        let plan = try await store.erasurePlan(before: cutoff, app: nil)
        #expect(plan.seqs == Array(0..<150))
        #expect(try await store.erase(plan) == 150)
        let kept = Array(events[150...])
        var want = Self.expected(events.enumerated().map { $0.offset < 150 ? Self.neverMatching : $0.element })
        want = want.filter { !$0.value.isEmpty || $0.key.hasPrefix("session report") }
        var got = try await Self.answers(store)
        got = got.filter { !$0.value.isEmpty || $0.key.hasPrefix("session report") }
        // Session summaries are rollups and keep their history; their event pages lose the erased events.
        for key in got.keys where key.hasPrefix("session report") { got[key] = got[key]?.filter { $0 >= 150 } }
        for key in want.keys where key.hasPrefix("session report") { want[key] = want[key]?.filter { $0 >= 150 } }
        #expect(
            got.filter { !$0.key.hasPrefix("session report") } == want.filter { !$0.key.hasPrefix("session report") }
        )
        #expect(kept.count == 90)
        let placeholders = try await store.events(EventQuery(actor: "custos", limit: 1000))
        #expect(placeholders.events.map(\.seq) == Array((0..<150).reversed()), "newest first")
    }

    /// An event no query of ``answers(_:)`` finds.
    static let neverMatching = EventFixtures.event(
        actor: "nobody",
        session: nil,
        resource: nil,
        subjects: []
    )
}
