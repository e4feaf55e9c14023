public import CustosCore
public import CustosStore
import Testing

/// The behaviour every ``EventStore`` must have, as checks any store's test target runs against its own
/// implementation (the SQLite store now, the PostgreSQL store later).
public enum StoreConformance {
    /// Makes a fresh, empty store.
    public typealias Factory = @Sendable () async throws -> any EventStore

    private static let received = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 1)

    /// Seqs start at 0, are gapless, and follow request order.
    public static func seqsAreGaplessInCommitOrder(_ make: Factory) async throws {
        let store = try await make()
        let r = try await store.append(
            [EventFixtures.numbered(3), EventFixtures.numbered(2, from: 3)],
            received: received
        )
        #expect(
            r == [
                .accepted(.init(seqs: [0, 1, 2], stored: 3, duplicates: 0)),
                .accepted(.init(seqs: [3, 4], stored: 2, duplicates: 0)),
            ]
        )
        let r2 = try await store.append([EventFixtures.numbered(1, from: 5)], received: received)
        #expect(r2 == [.accepted(.init(seqs: [5], stored: 1, duplicates: 0))])
        #expect(try await store.statistics().events == 6)
        let page = try await store.events(EventQuery(limit: 100, order: .ascending))
        #expect(page.events.map(\.seq) == Array(0...5))
        #expect(page.events.map(\.event.id) == (0...5).map { "e-\($0)" })
    }

    /// A retried request is acknowledged with the original seqs and stores nothing new; a changed event under a
    /// stored id refuses its whole request without touching others in the same transaction.
    public static func idempotencyAndConflicts(_ make: Factory) async throws {
        let store = try await make()
        let batch = EventFixtures.numbered(3)
        _ = try await store.append([batch], received: received)
        let retry = try await store.append([batch], received: received)
        #expect(retry == [.accepted(.init(seqs: [0, 1, 2], stored: 0, duplicates: 3))])
        var changed = EventFixtures.numbered(2, from: 2)
        changed[0].rows = 999
        let fresh = EventFixtures.numbered(1, from: 10)
        let results = try await store.append([changed, fresh], received: received)
        #expect(results[0] == .conflict([IDConflict(index: 0, id: "e-2", existingSeq: 2)]))
        #expect(results[1] == .accepted(.init(seqs: [3], stored: 1, duplicates: 0)))
        // Nothing of the refused request (not even its valid e-3) was stored.
        #expect(try await store.statistics().events == 4)
        // The same id under another app is another event.
        var otherApp = EventFixtures.numbered(1)
        otherApp[0].app = "records"
        #expect(
            try await store.append([otherApp], received: received)
                == [.accepted(.init(seqs: [4], stored: 1, duplicates: 0))]
        )
        // Two requests with the same new id in one transaction: the second is a duplicate of the first.
        let twice = EventFixtures.numbered(1, from: 20)
        #expect(
            try await store.append([twice, twice], received: received)
                == [
                    .accepted(.init(seqs: [5], stored: 1, duplicates: 0)),
                    .accepted(.init(seqs: [5], stored: 0, duplicates: 1)),
                ]
        )
        // Events without an id are never deduplicated.
        var anonymous = EventFixtures.event()
        anonymous.id = nil
        _ = try await store.append([[anonymous], [anonymous]], received: received)
        #expect(try await store.statistics().events == 8)
    }

    /// Stored events come back exactly as they went in, with seq and received.
    public static func roundTrip(_ make: Factory) async throws {
        let store = try await make()
        var e = EventFixtures.event(id: "x", action: "search", subjects: ["person:1", "person:2"])
        e.attributes = JSONObject([("screen", .string("results")), ("n", .integer(3))])
        e.decision = "dec-1"
        _ = try await store.append([[e]], received: received)
        let page = try await store.events(EventQuery())
        #expect(page.events == [StoredEvent(seq: 0, received: received, event: e)])
    }

    /// Each filter selects exactly the matching events, and cursors page through all of them without overlap.
    public static func filtersAndPagination(_ make: Factory) async throws {
        let store = try await make()
        var all: [AccessEvent] = []
        for i in 0..<60 {
            all.append(
                EventFixtures.event(
                    id: "f-\(i)",
                    minutes: Int64(i),
                    actor: "officer-\(i % 3)",
                    session: "s-\(i % 4)",
                    action: ["view", "search", "export"][i % 3],
                    dataset: ["persons", "vehicles", nil][i % 3],
                    resource: "r/\(i % 5)",
                    subjects: ["person:\(i % 7)", "person:\(i % 11)"],
                    outcome: i % 10 == 0 ? .denied : .success,
                    app: i % 2 == 0 ? "casebook" : "records"
                )
            )
        }
        _ = try await store.append([Array(all[0..<25]), Array(all[25...])], received: received)
        let t = { (m: Int64) in
            Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + m * 60_000)
        }
        let queries: [EventQuery] = [
            EventQuery(actor: "officer-1"), EventQuery(session: "s-2"), EventQuery(action: "export"),
            EventQuery(outcome: .denied), EventQuery(dataset: "vehicles"), EventQuery(resource: "r/3"),
            EventQuery(subject: "person:5"), EventQuery(app: "records"),
            EventQuery(range: TimeRange(from: t(10), to: t(20))),
            EventQuery(actor: "officer-0", dataset: "persons", subject: "person:0", range: TimeRange(from: t(5))),
            EventQuery(actor: "nobody"),
        ]
        for base in queries {
            let expected = all.enumerated().filter { base.matches($0.element) }.map { Int64($0.offset) }
            for order in [PageOrder.ascending, .descending] {
                var q = base
                q.order = order
                q.limit = 4
                var seen: [Int64] = []
                var pages = 0
                while true {
                    let page = try await store.events(q)
                    seen += page.events.map(\.seq)
                    pages += 1
                    guard let next = page.nextCursor, pages < 100 else { break }
                    q.cursor = next
                }
                #expect(seen == (order == .ascending ? expected : expected.reversed()), "\(base) \(order)")
            }
        }
    }

    /// Timeline, session, dataset and subject reports agree with the events they summarise.
    public static func accessReports(_ make: Factory) async throws {
        let store = try await make()
        var events: [AccessEvent] = []
        for i in 0..<40 {
            events.append(
                EventFixtures.event(
                    id: "a-\(i)",
                    minutes: Int64(i) * 90,
                    actor: "officer-\(i % 2)",
                    session: "s-\(i / 10)",
                    action: i % 4 == 0 ? "export" : "view",
                    dataset: i % 5 == 0 ? "vehicles" : "persons",
                    subjects: ["person:\(i % 3)"],
                    rows: Int64(i),
                    bytes: Int64(i * 10),
                    outcome: i % 8 == 0 ? .denied : .success
                )
            )
        }
        for chunk in stride(from: 0, to: 40, by: 7) {
            _ = try await store.append([Array(events[chunk..<min(chunk + 7, 40)])], received: received)
        }
        // Timeline: one summary per (actor, session), newest first, paging by 2.
        var timeline: [SessionSummary] = []
        var tq = TimelineQuery(actor: "officer-1", limit: 2)
        while true {
            let page = try await store.timeline(tq)
            timeline += page.sessions
            guard let next = page.nextCursor else { break }
            tq.cursor = next
        }
        #expect(timeline.map(\.session) == ["s-3", "s-2", "s-1", "s-0"])
        let s1 = events.filter { $0.actor.id == "officer-1" && $0.actor.session == "s-1" }
        let summary = try #require(timeline.first { $0.session == "s-1" })
        #expect(summary.events == Int64(s1.count))
        #expect(summary.rows == s1.compactMap(\.rows).reduce(0, +))
        #expect(summary.start == s1.map(\.time).min() && summary.end == s1.map(\.time).max())
        #expect(summary.denied == Int64(s1.filter { $0.outcome == .denied }.count))
        #expect(Set(summary.datasets) == Set(s1.compactMap(\.resource?.dataset)))
        // Session: events in order.
        let report = try #require(try await store.session(SessionQuery(session: "s-2")))
        #expect(report.page.events.map(\.event.id) == events.filter { $0.actor.session == "s-2" }.map(\.id))
        #expect(report.summaries.map(\.events).reduce(0, +) == 10)
        #expect(try await store.session(SessionQuery(session: "nope")) == nil)
        // Dataset access over a range that cuts days in the middle.
        let from = events[3].time
        let to = events[33].time
        let access = try await store.datasetAccess(
            DatasetAccessQuery(dataset: "persons", range: TimeRange(from: from, to: to))
        )
        for actor in ["officer-0", "officer-1"] {
            let mine = events.filter {
                $0.actor.id == actor && $0.resource?.dataset == "persons" && $0.time >= from && $0.time < to
            }
            let row = try #require(access.actors.first { $0.actor == actor })
            #expect(row.events == Int64(mine.count))
            #expect(row.rows == mine.compactMap(\.rows).reduce(0, +))
            #expect(row.bytes == mine.compactMap(\.bytes).reduce(0, +))
            #expect(row.first == mine.map(\.time).min() && row.last == mine.map(\.time).max())
        }
        // Dataset access over many ranges, aligned and not (whole days, whole hours, minutes, open ends).
        var rng = SystemRandomNumberGenerator()
        let span = events.last!.time.millisecondsSinceEpoch - events[0].time.millisecondsSinceEpoch
        for trial in 0..<40 {
            let a = events[0].time.millisecondsSinceEpoch - 3_600_000 + Int64.random(in: 0...span, using: &rng)
            let b = a + Int64.random(in: 1...(span / 2), using: &rng)
            let align: Int64 = [1, 60_000, 3_600_000, 86_400_000][trial % 4]
            var range = TimeRange(
                from: Timestamp(millisecondsSinceEpoch: a / align * align),
                to: Timestamp(millisecondsSinceEpoch: (b / align + 1) * align)
            )
            if trial % 10 == 0 { range.from = nil }
            if trial % 10 == 5 { range.to = nil }
            if trial % 20 == 19 { range = .all }
            let report = try await store.datasetAccess(DatasetAccessQuery(dataset: "persons", range: range))
            for actor in ["officer-0", "officer-1"] {
                let mine = events.filter {
                    $0.actor.id == actor && $0.resource?.dataset == "persons" && range.contains($0.time)
                }
                let row = report.actors.first { $0.actor == actor }
                #expect((row?.events ?? 0) == Int64(mine.count), "\(range)")
                #expect((row?.rows ?? 0) == mine.compactMap(\.rows).reduce(0, +), "\(range)")
                if let row {
                    #expect(row.first == mine.map(\.time).min() && row.last == mine.map(\.time).max(), "\(range)")
                }
            }
        }
        // Subject access: every event naming the subject, with a total.
        let subject = try await store.subjectAccess(SubjectAccessQuery(subject: "person:2", limit: 5))
        let expected = events.enumerated().filter { $0.element.subjects.contains("person:2") }
        #expect(subject.total == Int64(expected.count))
        #expect(subject.events.map(\.seq) == expected.reversed().prefix(5).map { Int64($0.offset) })
    }

    /// Concurrent submitters through one pipeline get disjoint, gapless seqs.
    public static func concurrentWritersGetGaplessSeqs(_ make: Factory) async throws {
        let store = try await make()
        let pipeline = IngestPipeline(store: store, clock: { received })
        let results = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for w in 0..<8 {
                group.addTask {
                    var seqs: [Int64] = []
                    for b in 0..<10 {
                        let events = (0..<25).map { i in
                            EventFixtures.event(id: "w\(w)-b\(b)-\(i)", actor: "officer-\(w)")
                        }
                        guard case .accepted(let r) = try await pipeline.submit(events) else {
                            Issue.record("unexpected conflict")
                            return []
                        }
                        #expect(r.seqs == Array(r.seqs[0]...(r.seqs[0] + 24)))
                        seqs += r.seqs
                    }
                    return seqs
                }
            }
            var all: [Int64] = []
            for try await s in group { all += s }
            return all
        }
        #expect(results.sorted() == Array(0..<2000))
        #expect(try await store.statistics().events == 2000)
    }

    /// Every conformance check, in order.
    public static func runAll(_ make: Factory) async throws {
        try await seqsAreGaplessInCommitOrder(make)
        try await idempotencyAndConflicts(make)
        try await roundTrip(make)
        try await filtersAndPagination(make)
        try await accessReports(make)
        try await concurrentWritersGetGaplessSeqs(make)
    }
}
