import CustosCore
import CustosDetect
import Foundation
import Testing

@Suite("Behavioural baselines")
struct BaselineDetectorTests {
    static let start: Int64 = 1_790_812_800_000  // 2026-10-01T00:00:00Z

    /// Officers 0001–0008 in Denver (UTC−7), a service account, and a dormant officer.
    static let entities: JSONValue = {
        func ref(_ type: String, _ id: String) -> String { #"{"__entity": {"type": "\#(type)", "id": "\#(id)"}}"# }
        var users: [String] = []
        for n in 1...8 {
            users.append(
                """
                {"uid": {"type": "Custos::User", "id": "officer-000\(n)"},
                 "attrs": {"role": "officer", "org": \(ref("Custos::OrgUnit", "fo/denver")), "kind": "human",
                           "last_activity": "2026-09-30", "devices": ["WS-\(n)"], "ips": ["10.23.\(n).5"]},
                 "parents": []}
                """
            )
        }
        users.append(
            """
            {"uid": {"type": "Custos::User", "id": "officer-0099"},
             "attrs": {"role": "officer", "org": \(ref("Custos::OrgUnit", "fo/denver")), "kind": "human",
                       "last_activity": "2026-05-01", "devices": ["WS-99"]}, "parents": []}
            """
        )
        users.append(
            """
            {"uid": {"type": "Custos::User", "id": "svc-export"},
             "attrs": {"role": "service", "kind": "service", "last_activity": "2025-01-01"}, "parents": []}
            """
        )
        let text = """
            [{"uid": {"type": "Custos::OrgUnit", "id": "fo/denver"}, "attrs": {"utc_offset_minutes": -420}, "parents": []},
             \(users.joined(separator: ",\n"))]
            """
        return (try? JSONParser().parse(text)) ?? .null
    }()

    static let directory = BaselineDirectory(entities: entities)

    /// An event at local day `day`, local hour `hour` (Denver) plus `minute` minutes.
    static func event(
        _ actor: String,
        day: Int,
        hour: Int = 10,
        minute: Int = 0,
        action: String = "view",
        rows: Int64? = nil,
        subjects: [String] = [],
        device: String? = nil,
        ip: String? = nil,
        dataset: String = "persons",
        seq: Int64? = nil
    ) -> DetectionEvent {
        let number = actor.split(separator: "-").last.map(String.init) ?? "1"
        let ms = start + Int64(day) * 86_400_000 + Int64(hour + 7) * 3_600_000 + Int64(minute) * 60_000
        var actorObject = JSONObject([("id", .string(actor))])
        actorObject["device"] = .string(device ?? "WS-\(Int(number) ?? 1)")
        actorObject["ip"] = .string(ip ?? "10.23.\(Int(number) ?? 1).5")
        var fields = JSONObject([
            ("id", .string("\(actor)-\(day)-\(hour)-\(minute)-\(action)")),
            ("actor", .object(actorObject)), ("action", .string(action)),
            ("resource", .object(JSONObject([("dataset", .string(dataset))]))),
            ("subjects", .array(subjects.map { .string($0) })),
        ])
        if let rows { fields["rows"] = .integer(rows) }
        return DetectionEvent(
            fields: fields,
            time: Timestamp(millisecondsSinceEpoch: ms),
            seq: seq,
            id: fields["id"]?.stringValue
        )
    }

    /// An ordinary working day: views of a few people, a few searches, a small export.
    static func ordinaryDay(_ actor: String, day: Int, exportRows: Int64 = 100) -> [DetectionEvent] {
        var events: [DetectionEvent] = []
        for i in 0..<6 {
            events.append(event(actor, day: day, hour: 9 + i, action: "search"))
            events.append(event(actor, day: day, hour: 9 + i, minute: 5, subjects: ["person:\(day * 10 + i)"]))
        }
        events.append(event(actor, day: day, hour: 15, minute: 30, action: "export", rows: exportRows))
        return events
    }

    static func run(_ detector: inout BaselineDetector, _ events: [DetectionEvent]) -> [Finding] {
        events.flatMap { detector.process($0) }
    }

    /// Days 0..<days of ordinary work for every officer 0001–0008 (officer 0001 exports `ownRows`).
    static func history(
        days: Int,
        ownRows: Int64 = 100,
        peerRows: (Int) -> Int64 = { 100 + Int64($0) * 10 }
    )
        -> [DetectionEvent]
    {
        var events: [DetectionEvent] = []
        for day in 0..<days {
            events += ordinaryDay("officer-0001", day: day, exportRows: ownRows)
            for n in 2...8 { events += ordinaryDay("officer-000\(n)", day: day, exportRows: peerRows(n)) }
        }
        return events
    }

    @Test("silent before enough history, then a spike is reported with its numbers")
    func spike() throws {
        var early = BaselineDetector(directory: Self.directory)
        var findings = Self.run(&early, Self.history(days: 3))
        findings += Self.run(&early, [Self.event("officer-0001", day: 3, hour: 11, action: "export", rows: 48_200)])
        #expect(findings.isEmpty)

        var detector = BaselineDetector(directory: Self.directory)
        #expect(Self.run(&detector, Self.history(days: 10)).isEmpty)
        let spike = [
            Self.event("officer-0001", day: 10, hour: 11, action: "export", rows: 2_000),
            Self.event("officer-0001", day: 10, hour: 11, minute: 20, action: "export", rows: 46_200),
            Self.event("officer-0001", day: 10, hour: 11, minute: 30, action: "export", rows: 5_000),
        ]
        findings = Self.run(&detector, spike)
        let finding = try #require(findings.first)
        #expect(findings.count == 1)  // once per day
        #expect(finding.rule == "baseline.daily_rows")
        #expect(finding.kind == .baseline)
        #expect(finding.level == "high")
        #expect(finding.value == 48_200)
        #expect(finding.evidence.first?.id == spike[1].id)
        #expect(finding.group == [GroupValue(field: "actor.id", value: "officer-0001")])
        #expect(
            finding.explanation.contains("officer-0001 exported 48,200 rows in 20 minutes"),
            "\(finding.explanation)"
        )
        #expect(finding.explanation.contains("482× their 30-day median of 100"), "\(finding.explanation)")
        #expect(finding.explanation.contains("MAD 0, 10 active days"), "\(finding.explanation)")
        // Peers export 120…180 rows a day: their 99th percentile is 180.
        #expect(
            finding.explanation.contains("officer in fo/denver, 7 users) 99th percentile is 180"),
            "\(finding.explanation)"
        )
    }

    @Test("the peer group keeps a value normal for the role from being reported")
    func peers() {
        // Officer 0001 usually exports 100 rows; peers routinely export 30,000.
        var detector = BaselineDetector(directory: Self.directory)
        _ = Self.run(&detector, Self.history(days: 10, peerRows: { _ in 30_000 }))
        let within = Self.run(&detector, [Self.event("officer-0001", day: 10, action: "export", rows: 25_000)])
        #expect(within.isEmpty)
        var alone = BaselineDetector(directory: Self.directory)
        _ = Self.run(&alone, Self.history(days: 10))
        let beyond = Self.run(&alone, [Self.event("officer-0001", day: 10, action: "export", rows: 25_000)])
        #expect(beyond.map(\.rule) == ["baseline.daily_rows"])
    }

    @Test("distinct subjects and hourly searches have baselines too")
    func otherMeasures() {
        var detector = BaselineDetector(directory: Self.directory)
        _ = Self.run(&detector, Self.history(days: 8))
        var burst: [DetectionEvent] = []
        for i in 0..<60 {
            burst.append(Self.event("officer-0001", day: 8, hour: 13, minute: i / 2, action: "search"))
            burst.append(Self.event("officer-0001", day: 8, hour: 13, minute: i / 2, subjects: ["person:\(9000 + i)"]))
        }
        let findings = Self.run(&detector, burst)
        #expect(Set(findings.map(\.rule)) == ["baseline.daily_subjects", "baseline.hourly_searches"])
        let subjects = findings.first { $0.rule == "baseline.daily_subjects" }
        #expect(subjects?.value == 40)
        #expect(subjects?.explanation.contains("accessed 40 distinct subjects") == true)
    }

    @Test("first-seen device and network after the warm-up only; registered devices are known")
    func firstSeen() {
        var detector = BaselineDetector(directory: Self.directory)
        // During the warm-up a new device is learnt silently.
        let warmUp = Self.run(&detector, [Self.event("officer-0001", day: 0, device: "LT-1", ip: "172.16.4.9")])
        #expect(warmUp.isEmpty)
        _ = Self.run(&detector, Self.history(days: 8))
        #expect(Self.run(&detector, [Self.event("officer-0001", day: 8, device: "LT-1", ip: "172.16.4.200")]).isEmpty)
        let fresh = Self.run(
            &detector,
            [Self.event("officer-0001", day: 8, hour: 11, device: "PC-77", ip: "203.0.113.7")]
        )
        #expect(fresh.map(\.rule).sorted() == ["baseline.new_device", "baseline.new_network"])
        #expect(fresh.contains { $0.explanation.contains("device PC-77 for the first time in 8 active days") })
        #expect(fresh.contains { $0.explanation.contains("network 203.0.113.0/24") })
        #expect(
            Self.run(&detector, [Self.event("officer-0001", day: 8, hour: 12, device: "PC-77", ip: "203.0.113.8")])
                .isEmpty
        )
        // IPv6 /48.
        let v6 = Self.run(&detector, [Self.event("officer-0001", day: 8, hour: 13, ip: "2001:db8:12:3::1")])
        #expect(v6.first?.explanation.contains("2001:db8:12::/48") == true)
    }

    @Test("dormancy from the directory's last_activity and from the log")
    func dormancy() throws {
        var detector = BaselineDetector(directory: Self.directory)
        let dormant = Self.run(&detector, [Self.event("officer-0099", day: 5)])
        let finding = try #require(dormant.first)
        #expect(finding.rule == "baseline.dormancy")
        #expect(finding.value == 158)  // 2026-05-01 → 2026-10-06 (local)
        #expect(finding.explanation.contains("directory last_activity 2026-05-01"))
        #expect(Self.run(&detector, [Self.event("officer-0099", day: 5, hour: 11)]).isEmpty)
        // Recent last_activity: nothing; a service account: skipped.
        #expect(Self.run(&detector, [Self.event("officer-0002", day: 0)]).isEmpty)
        #expect(Self.run(&detector, [Self.event("svc-export", day: 0)]).isEmpty)
        // From the log: 70 days of silence.
        let back = Self.run(&detector, [Self.event("officer-0002", day: 70)])
        #expect(back.map(\.rule) == ["baseline.dormancy"])
        #expect(back.first?.value == 70)
    }

    @Test("activity at an hour the user never works")
    func activeHours() {
        var detector = BaselineDetector(directory: Self.directory)
        _ = Self.run(&detector, Self.history(days: 8))
        // 07:50 is within two hours of the usual 09:00–15:59.
        #expect(Self.run(&detector, [Self.event("officer-0001", day: 8, hour: 7, minute: 50)]).isEmpty)
        let night = Self.run(&detector, [Self.event("officer-0001", day: 9, hour: 2, minute: 30)])
        #expect(night.map(\.rule) == ["baseline.active_hours"])
        #expect(night.first?.explanation.contains("active at 02:00–02:59 local time") == true)
        #expect(
            night.first?.explanation.contains("within 2 hours of it (usual hours 07:00–07:59, 09:00–15:59)") == true,
            "\(night.first?.explanation ?? "")"
        )
    }

    /// A long mixed stream with spikes, new devices and a dormant user, for the snapshot test.
    static func mixedStream() -> [DetectionEvent] {
        var events = history(days: 20)
        events += [
            event("officer-0001", day: 20, action: "export", rows: 60_000),
            event("officer-0003", day: 20, hour: 11, device: "PC-1", ip: "198.51.100.4"),
            event("officer-0099", day: 20, hour: 12),
            event("officer-0004", day: 21, hour: 3),
        ]
        for n in 1...8 { events += ordinaryDay("officer-000\(n)", day: 22) }
        events.append(event("officer-0005", day: 22, hour: 16, action: "export", rows: 90_000))
        return events.enumerated().map { index, event in
            var copy = event
            copy.seq = Int64(index)
            return copy
        }
    }

    @Test("snapshot and restore mid-stream give the same findings as one run")
    func snapshotRestore() throws {
        let events = Self.mixedStream()
        var whole = BaselineDetector(directory: Self.directory)
        let expected = Self.run(&whole, events)
        #expect(expected.count >= 5)
        for cut in [events.count / 3, events.count - 40] {
            var first = BaselineDetector(directory: Self.directory)
            var findings = Self.run(&first, Array(events[..<cut]))
            let data = try JSONEncoder().encode(first.snapshot())
            var second = BaselineDetector(directory: Self.directory)
            second.restore(try JSONDecoder().decode(BaselineSnapshot.self, from: data))
            #expect(second.stateBytes == first.stateBytes)
            findings += Self.run(&second, Array(events[cut...]))
            #expect(findings == expected)
        }
    }

    @Test("configuration errors name the file and line")
    func configurationErrors() throws {
        let parsed = try BaselineConfiguration.parse(
            "window_days: 14\nmeasures:\n  daily_rows: {minimum: 1_000, level: critical}\ndormancy: {days: 30}\n",
            file: "b.yml"
        )
        #expect(parsed.windowDays == 14)
        #expect(parsed.measures[.dailyRows]?.minimum == 1_000)
        #expect(parsed.measures[.dailyRows]?.level == "critical")
        #expect(parsed.measures[.dailyRows]?.ratio == 10)
        #expect(parsed.dormancyDays == 30)
        let cases: [(String, String)] = [
            ("window_days: 14\nwindow_dayz: 3\n", "b.yml:2:1: unknown key 'window_dayz'"),
            ("measures:\n  daily_rowz: {}\n", "b.yml:2:3: unknown measure 'daily_rowz'"),
            ("measures:\n  daily_rows: {level: severe}\n", "b.yml:2:23: level must be one of"),
            ("minimum_active_days: -2\n", "b.yml:1:22: expected an integer from 1"),
            ("first_seen:\n  device: {enabled: maybe}\n", "b.yml:2:21: expected true or false"),
            ("measures: [1\n", "b.yml:"),
        ]
        for (text, prefix) in cases {
            #expect(throws: RuleError.self) { try BaselineConfiguration.parse(text, file: "b.yml") }
            do {
                _ = try BaselineConfiguration.parse(text, file: "b.yml")
            } catch {
                #expect(error.description.hasPrefix(prefix), "\(error.description)")
            }
        }
    }

    @Test("the shipped rules/baselines.yml parses")
    func shippedConfiguration() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../rules/baselines.yml").standardized.path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let configuration = try BaselineConfiguration.parse(text, file: path)
        #expect(configuration == BaselineConfiguration())
    }

    /// Per-user state after `days` days of `users` users' ordinary work (with ever-new subjects).
    static func stateBytes(users: Int, days: Int, eventsPerDay: Int) -> (bytes: [Int], events: Int) {
        var detector = BaselineDetector(directory: directory)
        var samples: [Int] = []
        var count = 0
        for day in 0..<days {
            for u in 0..<users {
                let actor = "user-\(u)"
                for i in 0..<eventsPerDay {
                    let e = event(
                        actor,
                        day: day,
                        hour: 8 + i * 8 / eventsPerDay,
                        minute: i % 60,
                        action: i % 3 == 0 ? "search" : "view",
                        subjects: ["person:\(day * 1000 + u * 10 + i % 10)"],
                        device: "WS-\(u)",
                        ip: "10.1.\(u % 200).\(day % 250)"
                    )
                    _ = detector.process(e)
                    count += 1
                }
            }
            if day % 10 == 9 { samples.append(detector.stateBytes / users) }
        }
        return (samples, count)
    }

    @Test("state per user stays flat as the same users continue for many days")
    func memoryFlat() throws {
        let (samples, _) = Self.stateBytes(users: 20, days: 120, eventsPerDay: 30)
        let afterWindow = try #require(samples.dropFirst(3).first)  // day 39: the window is full
        for sample in samples.dropFirst(3) {
            #expect(Double(sample) <= Double(afterWindow) * 1.05, "\(samples)")
        }
        #expect(afterWindow > 0 && afterWindow < 16_384, "\(samples)")
    }

    @Test(
        "state per user stays flat over 2 million events (long)",
        .enabled(if: ProcessInfo.processInfo.environment["CUSTOS_LONG_TESTS"] == "1")
    )
    func memoryFlatLong() throws {
        let (samples, events) = Self.stateBytes(users: 200, days: 250, eventsPerDay: 40)
        #expect(events == 2_000_000)
        let afterWindow = try #require(samples.dropFirst(3).first)
        print("baseline state bytes per active user every 10 days: \(samples)")
        for sample in samples.dropFirst(3) {
            #expect(Double(sample) <= Double(afterWindow) * 1.05, "\(samples)")
        }
    }
}
