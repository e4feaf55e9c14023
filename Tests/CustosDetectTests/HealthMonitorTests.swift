import CustosCore
import CustosDetect
import Foundation
import Testing

@Suite("Health monitor")
struct HealthMonitorTests {
    static let start: Int64 = 1_790_812_800_000  // 2026-10-01T00:00:00Z

    /// The defaults without the warm-up in days, for streams of a few hours.
    static let quick: HealthConfiguration = {
        var configuration = HealthConfiguration()
        configuration.warmUpDays = 0
        return configuration
    }()

    /// An event of `app` at `seconds` after ``start``.
    static func event(_ app: String, _ seconds: Int64, seq: Int64) -> DetectionEvent {
        DetectionEvent(
            event: AccessEvent(
                id: "\(app)-\(seq)",
                time: Timestamp(millisecondsSinceEpoch: start + seconds * 1000),
                actor: Actor(id: "officer-0001"),
                action: "view",
                app: app
            ),
            seq: seq
        )
    }

    /// `count` events of `app`, `step` seconds apart from `from`.
    static func every(_ app: String, _ count: Int, _ step: Int64, from: Int64 = 0) -> [(String, Int64)] {
        (0..<count).map { (app, from + Int64($0) * step) }
    }

    /// Events in time order from (app, seconds) pairs, numbered from 0.
    static func stream(_ pairs: [(String, Int64)]) -> [DetectionEvent] {
        pairs.sorted { $0.1 < $1.1 }.enumerated().map { event($0.element.0, $0.element.1, seq: Int64($0.offset)) }
    }

    static func run(_ monitor: inout HealthMonitor, _ events: some Sequence<DetectionEvent>) -> [Finding] {
        events.flatMap { monitor.process($0) }
    }

    /// casebook every 40 s for 600 events (until 23,960 s), then silent for 3 h 10 min, then records' first event.
    static let casebookThenSilence: [(String, Int64)] =
        Self.every("casebook", 600, 40)
        + [("records", 23_960 + 11_400)]

    @Test("a silence is reported once, with the silence and the usual gap")
    func silenceOnce() throws {
        var monitor = HealthMonitor(configuration: Self.quick)
        let more = Self.every("records", 100, 30, from: 23_960 + 11_400 + 30)
        let findings = Self.run(&monitor, Self.stream(Self.casebookThenSilence + more))
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.rule == "health.source_silent")
        #expect(finding.kind == .health)
        #expect(finding.level == "high")
        #expect(finding.explanation == "casebook sent nothing for 3 h 10 min (usual gap 40 s)")
        #expect(finding.group.contains(GroupValue(field: "app", value: "casebook")))
        #expect(finding.evidence.map(\.index) == [599, 600])
        #expect(finding.value == 11_400)
        // casebook comes back and falls silent again: a new silence, reported again.
        let back = Self.event("casebook", 23_960 + 11_400 + 3_100, seq: 701)
        #expect(monitor.process(back).isEmpty)
        let later = Self.event("records", 23_960 + 11_400 + 3_100 + 7_300, seq: 702)
        #expect(monitor.process(later).map(\.explanation) == ["casebook sent nothing for 2 h 1 min (usual gap 40 s)"])
    }

    @Test("the silent app's own return reports its silence")
    func ownReturn() {
        var monitor = HealthMonitor(configuration: Self.quick)
        let findings = Self.run(
            &monitor,
            Self.stream(Self.every("casebook", 600, 40) + [("casebook", 23_960 + 9_000)])
        )
        #expect(findings.map(\.explanation) == ["casebook sent nothing for 2 h 30 min (usual gap 40 s)"])
    }

    @Test("nothing is reported during warm-up or within the threshold")
    func warmUpAndThreshold() {
        var cold = HealthMonitor(configuration: Self.quick)
        let few = Self.every("casebook", 499, 40) + [("records", 19_960 + 11_400)]
        #expect(Self.run(&cold, Self.stream(few)).isEmpty)
        var short = HealthMonitor(configuration: Self.quick)
        let brief = Self.every("casebook", 600, 40) + [("records", 23_960 + 7_100)]
        #expect(Self.run(&short, Self.stream(brief)).isEmpty)
        // A sparse app: gaps of 20 min, so its threshold is 10 × 20 min = 200 min, not 120.
        var configuration = Self.quick
        configuration.warmUpEvents = 10
        var sparse = HealthMonitor(configuration: configuration)
        let base = Self.every("geo", 20, 1200)
        #expect(Self.run(&sparse, Self.stream(base + [("sso", 22_800 + 11_000)])).isEmpty)
        var sparse2 = HealthMonitor(configuration: configuration)
        #expect(
            Self.run(&sparse2, Self.stream(base + [("sso", 22_800 + 12_600)])).map(\.explanation) == [
                "geo sent nothing for 3 h 30 min (usual gap 20 min)"
            ]
        )
    }

    @Test("ignored apps and apps outside the watched list are not judged")
    func scoping() {
        var ignoring = HealthMonitor(configuration: Self.quick)
        let custos = Self.every("custos", 600, 40) + [("records", 23_960 + 11_400)]
        #expect(Self.run(&ignoring, Self.stream(custos)).isEmpty)
        var configuration = Self.quick
        configuration.apps = ["records"]
        var scoped = HealthMonitor(configuration: configuration)
        #expect(Self.run(&scoped, Self.stream(Self.casebookThenSilence)).isEmpty)
    }

    @Test("snapshot and restore give the same findings as an uninterrupted run")
    func snapshotRestore() throws {
        let events = Self.stream(
            Self.every("casebook", 800, 40) + Self.every("records", 2000, 25)
                + [("records", 58_000), ("casebook", 70_000), ("records", 80_000)] as [(String, Int64)]
        )
        var whole = HealthMonitor(configuration: Self.quick)
        let expected = Self.run(&whole, events)
        #expect(expected.count >= 2)
        for cut in [1, 700, 2_000, events.count - 2] {
            var first = HealthMonitor(configuration: Self.quick)
            var findings = Self.run(&first, events[..<cut])
            let data = try first.snapshotData()
            var second = HealthMonitor(configuration: Self.quick)
            try second.restore(data: data)
            findings += Self.run(&second, events[cut...])
            #expect(findings == expected, "cut at \(cut)")
        }
    }

    @Test("the rule pack's health.yml loads; errors name file, line and column")
    func configuration() throws {
        let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules")
        let text = try String(contentsOf: directory.appendingPathComponent("health.yml"), encoding: .utf8)
        #expect(try HealthConfiguration.parse(text, file: "health.yml") == HealthConfiguration())
        let custom = try HealthConfiguration.parse(
            "source_silent:\n  minimum_silence_minutes: 30\n  apps: [casebook]\n  level: medium\n",
            file: "h.yml"
        )
        #expect(custom.minimumSilenceMinutes == 30)
        #expect(custom.apps == ["casebook"])
        #expect(custom.level == "medium")
        #expect(throws: RuleError.self) { try HealthConfiguration.parse("source_silent:\n  quiet: 3\n", file: "h.yml") }
        do {
            _ = try HealthConfiguration.parse("source_silent:\n  gap_multiplier: zero\n", file: "h.yml")
            Issue.record("a bad number was accepted")
        } catch {
            #expect("\(error)".hasPrefix("h.yml:2:"))
        }
        #expect(!RuleDirectoryFiles.isSigmaFile("health.yml"))
        #expect(!RuleDirectoryFiles.isSigmaFile("baselines.yml"))
        #expect(RuleDirectoryFiles.isSigmaFile("off_hours.yml"))
    }

    @Test("the nights of an app used by day are ordinary after the warm-up; two missing days are not")
    func dayOnlyApp() {
        let day: Int64 = 86_400
        var pairs: [(String, Int64)] = []
        for d in 0..<12 where d != 9 && d != 10 {
            pairs += Self.every("records", 481, 60, from: Int64(d) * day + 8 * 3600)
        }
        pairs += Self.every("sso", 12 * 288, 300)
        var monitor = HealthMonitor()
        let findings = Self.run(&monitor, Self.stream(pairs))
        // Days 9 and 10 are missing: the silence from day 8 16:00 passes 3 × the 16 h nights at day 10 16:00, and the
        // next sso event (5 min later) reveals it.
        #expect(findings.map(\.explanation) == ["records sent nothing for 2 d (usual gap 1 min)"])
        #expect(findings.first.map { $0.windowEndMilliseconds - $0.windowStartMilliseconds } == 173_100_000)
    }

    @Test("an event far ahead in time does not hold up the checks of the events after it")
    func clockSkew() {
        var monitor = HealthMonitor(configuration: Self.quick)
        let ahead = Self.event("custos", 100 * 86_400, seq: 0)
        #expect(monitor.process(ahead).isEmpty)
        let events = Self.stream(Self.casebookThenSilence).map {
            DetectionEvent(fields: $0.fields, time: $0.time, seq: ($0.seq ?? 0) + 1, id: $0.id)
        }
        #expect(
            Self.run(&monitor, events).map(\.explanation) == ["casebook sent nothing for 3 h 10 min (usual gap 40 s)"]
        )
    }
}
