import CustosCore
import CustosDetect
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /v1/rules/backtest`: stored history replayed through a candidate rule, compared with the offline engine.
@Suite("Rule back-test API")
struct BacktestAPITests {
    /// A detection rule used only by a correlation (so silent), the correlation, and a rule with findings of its own.
    static let rule = """
        title: Denied access
        id: bt-denied
        name: bt_denied
        logsource:
            product: custos
        detection:
            selection:
                outcome: denied
            condition: selection
        level: low
        ---
        title: Repeated denials
        id: bt-repeated
        correlation:
            type: event_count
            rules: bt_denied
            group-by:
                - actor.id
            timespan: 30m
            condition:
                gte: 3
        level: high
        ---
        title: Large export
        id: bt-export
        logsource:
            product: custos
        detection:
            selection:
                action: export
                rows|gte: 500
            condition: selection
        level: medium
        """

    /// 3 days of events from five actors, three every 7 minutes: bursts of denials, some big exports, some without ids.
    static func history() -> [AccessEvent] {
        (0..<1800).map { n in
            var e = EventFixtures.event(
                id: "h-\(n)",
                minutes: Int64(n) * 7 / 3,
                actor: "officer-\(n % 5)",
                action: n % 11 == 0 ? "export" : "view",
                resource: "persons/\(n % 13)",
                subjects: ["person:\(n % 13)"],
                rows: Int64((n * 37) % 900),
                outcome: (n / 50) % 3 == 0 && n % 5 < 2 ? .denied : .success
            )
            if n % 17 == 0 { e.id = nil }
            e.time = Timestamp(millisecondsSinceEpoch: e.time.millisecondsSinceEpoch - historyShiftMilliseconds)
            return e
        }
    }

    static func append(_ events: [AccessEvent], to server: TestServer) async throws {
        var start = 0
        while start < events.count {
            let chunk = Array(events[start..<min(start + 500, events.count)])
            _ = try await server.store.append([chunk], received: EventFixtures.baseTime)
            start += chunk.count
        }
    }

    static func body(_ rule: String, from: Timestamp, to: Timestamp, limit: Int = 1000) -> ByteBuffer {
        ByteBuffer(
            bytes: CanonicalJSON.encode(
                .object(
                    JSONObject([
                        ("rule", .string(rule)), ("from", .string(from.rfc3339)), ("to", .string(to.rfc3339)),
                        ("limit", .integer(Int64(limit))),
                    ])
                )
            )
        )
    }

    /// The history lies a year before the fixtures' base time, so that the `custos.read` events the server records
    /// at the wall-clock time of the test run never fall inside a back-tested range, whatever day the tests run on.
    static let historyShiftMilliseconds: Int64 = 365 * 86_400_000

    static func minutes(_ m: Int64) -> Timestamp {
        Timestamp(
            millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch - historyShiftMilliseconds + m
                * 60_000
        )
    }

    /// Both ways of reading the range: the SQLite store's walk of the commit order, and (behind a wrapper that does
    /// not offer it) the paged query API.
    @Test(arguments: [false, true])
    func returnsExactlyTheFindingsOfTheOfflineEngine(throughPagedQueries: Bool) async throws {
        let gate = StoreGate()
        await gate.open()
        let server =
            throughPagedQueries
            ? try await TestServer(wrap: { GatedStore(inner: $0, gate: gate) }) : try await TestServer()
        #expect((server.api.store is any EventRangeScanning) == !throughPagedQueries)
        let events = Self.history()
        try await Self.append(events, to: server)
        let from = Self.minutes(600)
        let to = Self.minutes(3600)
        // Offline: the same events (seq = position in a fresh store), those in range, in seq order.
        var engine = try DetectionEngine(ruleSet: RuleSet(files: ["rule": Self.rule]))
        var reporter = FindingReporter()
        var expected: [ReportedFinding] = []
        var scanned = 0
        for (seq, event) in events.enumerated() where event.time >= from && event.time < to {
            let stored = StoredEvent(seq: Int64(seq), received: EventFixtures.baseTime, event: event)
            reporter.observe(actor: event.actor.id, index: stored.seq)
            scanned += 1
            for finding in engine.process(DetectionEvent(stored: stored)) {
                expected.append(reporter.report(finding, eventActor: event.actor.id))
            }
        }
        for finding in engine.finish() { expected.append(reporter.report(finding, eventActor: nil)) }
        #expect(expected.contains { $0.rule == "bt-repeated" } && expected.contains { $0.rule == "bt-export" })
        #expect(expected.contains { $0.evidence.contains { $0.hasPrefix("#") } }, "an event without a client id")
        let offline = expected
        let scannedCount = scanned

        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/rules/backtest",
                method: .post,
                headers: TestServer.headers(server.readKey),
                body: Self.body(Self.rule, from: from, to: to)
            ) { r in
                #expect(r.status == .ok)
                let doc = try #require(r.json.objectValue)
                #expect(doc["events_scanned"] == .integer(Int64(scannedCount)))
                #expect(doc["findings_count"] == .integer(Int64(offline.count)))
                #expect(doc["findings"] == .array(offline.map(\.jsonValue)))
                #expect(doc["findings_truncated"] == .bool(false))
                #expect(doc["rules"] == .array(["bt-denied", "bt-export", "bt-repeated"].map { .string($0) }))
                var perActor: [String: Int64] = [:]
                var perDay: [String: Int64] = [:]
                for f in offline {
                    perActor[f.actor, default: 0] += 1
                    perDay[
                        String(Timestamp(millisecondsSinceEpoch: f.timeMilliseconds).rfc3339.prefix(10)),
                        default: 0
                    ] += 1
                }
                let actorRows = doc["findings_per_actor"]?.arrayValue ?? []
                #expect(actorRows.count == perActor.count)
                for row in actorRows {
                    let o = row.objectValue
                    #expect(o?["findings"] == .integer(perActor[o?["actor"]?.stringValue ?? ""] ?? -1))
                }
                let counts = actorRows.compactMap { row -> Int64? in
                    if case .integer(let n)? = row.objectValue?["findings"] { return n }
                    return nil
                }
                #expect(counts == counts.sorted(by: >))
                let dayRows = doc["findings_per_day"]?.arrayValue ?? []
                #expect(dayRows.compactMap { $0.objectValue?["day"]?.stringValue } == perDay.keys.sorted())
                for row in dayRows {
                    let o = row.objectValue
                    #expect(o?["findings"] == .integer(perDay[o?["day"]?.stringValue ?? ""] ?? -1))
                }
            }
            // A smaller limit keeps the first findings and says the list is cut.
            try await client.execute(
                uri: "/v1/rules/backtest",
                method: .post,
                headers: TestServer.headers(server.readKey),
                body: Self.body(Self.rule, from: from, to: to, limit: 3)
            ) { r in
                let doc = try #require(r.json.objectValue)
                #expect(doc["findings"] == .array(offline.prefix(3).map(\.jsonValue)))
                #expect(doc["findings_count"] == .integer(Int64(offline.count)))
                #expect(doc["findings_truncated"] == .bool(true))
            }
        }
    }

    @Test func isARecordedReadThatRaisesNothing() async throws {
        let server = try await TestServer()
        try await Self.append(Self.history().prefix(300).map { $0 }, to: server)
        let before = try await server.store.statistics().events
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/rules/backtest",
                method: .post,
                headers: TestServer.headers(server.ingestKey),
                body: Self.body(Self.rule, from: Self.minutes(0), to: Self.minutes(10_000))
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/v1/rules/backtest",
                method: .post,
                body: Self.body(Self.rule, from: Self.minutes(0), to: Self.minutes(10_000))
            ) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/v1/rules/backtest",
                method: .post,
                headers: TestServer.headers(server.readKey),
                body: Self.body(Self.rule, from: Self.minutes(0), to: Self.minutes(10_000))
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["events_scanned"] == .integer(300))
            }
        }
        // Exactly one event more: the read itself, by the key's owner, with the rule text.
        #expect(try await server.store.statistics().events == before + 1)
        let reads = try await server.store.events(EventQuery(action: "custos.read")).events
        try #require(reads.count == 1)
        #expect(reads[0].event.actor.id == "read-owner")
        #expect(reads[0].event.resource?.id == "rules/backtest")
        #expect(reads[0].event.query?.contains("id: bt-repeated") == true)
    }

    @Test func aBadRuleIsRefusedNamingTheLine() async throws {
        let server = try await TestServer()
        let broken = """
            title: Broken
            id: bt-broken
            logsource:
                product: custos
            detection:
                selection:
                    action: export
                condition: selection and
            level: medium
            """
        let badLine = 8
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/rules/backtest",
                method: .post,
                headers: TestServer.headers(server.readKey),
                body: Self.body(broken, from: Self.minutes(0), to: Self.minutes(60))
            ) { r in
                #expect(r.status == .badRequest)
                #expect(r.headers[.contentType] == "application/problem+json")
                let doc = r.json.objectValue
                #expect(doc?["type"]?.stringValue == "https://custos.dev/problems/invalid-rule")
                let first = doc?["errors"]?.arrayValue?.first?.objectValue
                #expect(first?["path"] == .string("rule"))
                #expect(first?["line"] == .integer(Int64(badLine)), "\(String(describing: doc))")
                #expect(first?["column"] != nil)
                #expect(first?["reason"]?.stringValue?.isEmpty == false)
            }
            for (body, path) in [
                (#"{"from":"2026-01-01T00:00:00Z","to":"2026-01-02T00:00:00Z"}"#, "rule"),
                (#"{"rule":"x: 1","to":"2026-01-02T00:00:00Z"}"#, "from"),
                (#"{"rule":"x: 1","from":"2026-01-03T00:00:00Z","to":"2026-01-02T00:00:00Z"}"#, "to"),
                (#"{"rule":"x: 1","from":"2026-01-01T00:00:00Z","to":"2026-01-02T00:00:00Z","limit":5000}"#, "limit"),
                (#"{"rule":"x: 1","from":"2026-01-01T00:00:00Z","to":"2026-01-02T00:00:00Z","size":1}"#, "size"),
                (#"["rule"]"#, "body"),
                (#"{"rule": "#, "body"),
            ] {
                try await client.execute(
                    uri: "/v1/rules/backtest",
                    method: .post,
                    headers: TestServer.headers(server.readKey),
                    body: ByteBuffer(string: body)
                ) { r in
                    #expect(r.status == .badRequest, "\(body)")
                    #expect(
                        r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue?["path"] == .string(path),
                        "\(body)"
                    )
                }
            }
        }
        #expect(try await server.store.statistics().events == 0, "a refused back-test reads nothing")
    }

    @Test func aRangeOverTheMaximumIsRefused() async throws {
        let server = try await TestServer(backtest: BacktestSettings(maximumEvents: 50))
        try await Self.append(Array(Self.history().prefix(120)), to: server)
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/rules/backtest",
                method: .post,
                headers: TestServer.headers(server.readKey),
                body: Self.body(Self.rule, from: Self.minutes(0), to: Self.minutes(100_000))
            ) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["type"]?.stringValue == "https://custos.dev/problems/too-many-events")
                #expect(r.json.objectValue?["maximum_events"] == .integer(50))
            }
            // 50 events exactly is allowed (minutes 0 to 114 hold events 0…49 at 7/3 minutes apart).
            try await client.execute(
                uri: "/v1/rules/backtest",
                method: .post,
                headers: TestServer.headers(server.readKey),
                body: Self.body(Self.rule, from: Self.minutes(0), to: Self.minutes(115))
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["events_scanned"] == .integer(50))
            }
        }
    }

    @Test func enrichesFromTheReferenceData() async throws {
        let entities = """
            [{"uid": {"type": "Custos::User", "id": "officer-1"}, "attrs": {"status": "active"}, "parents": []}]
            """
        let reference = ReferenceEnrichment(entities: try JSONParser().parse(Array(entities.utf8)))
        let rule = """
            title: Unknown actor
            id: bt-unknown
            logsource:
                product: custos
            detection:
                selection:
                    enrichment.actor_known: false
                condition: selection
            level: high
            """
        for (settings, expected) in [(BacktestSettings(reference: reference), 8), (BacktestSettings(), 0)] {
            let server = try await TestServer(backtest: settings)
            try await Self.append(Array(Self.history().prefix(10)), to: server)
            try await server.application.test(.router) { client in
                try await client.execute(
                    uri: "/v1/rules/backtest",
                    method: .post,
                    headers: TestServer.headers(server.readKey),
                    body: Self.body(rule, from: Self.minutes(0), to: Self.minutes(1000))
                ) { r in
                    #expect(r.status == .ok)
                    // officer-0 … officer-4 in turn: all but officer-1's two events are by unknown actors.
                    #expect(r.json.objectValue?["findings_count"] == .integer(Int64(expected)))
                    #expect(r.json.objectValue?["reference_data"] == .bool(settings.reference != nil))
                }
            }
        }
    }
}
