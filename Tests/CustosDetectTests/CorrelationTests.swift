import CustosCore
import CustosDetect
import Foundation
import Testing

@Suite("Correlation rules")
struct CorrelationTests {
    typealias T = TestSupport

    static let baseRules = """
        title: Export
        id: 00000000-0000-4000-8000-00000000e001
        name: export
        detection:
            sel:
                action: export
            condition: sel
        ---
        title: Denied access
        name: denied
        detection:
            sel:
                outcome: denied
            condition: sel
        ---
        title: Successful view
        name: viewed
        detection:
            sel:
                action: view
                outcome: success
            condition: sel
        ---
        title: Search
        name: search
        detection:
            sel:
                action: search
            condition: sel
        """

    /// Runs events through a rule set made of the base rules and the given correlation texts.
    static func run(
        _ correlations: String,
        _ events: [AccessEvent],
        lateness: Int64 = 0,
        finish: Bool = true
    ) throws -> [Finding] {
        let set = RuleSet(files: ["base.yml": baseRules, "correlation.yml": correlations])
        #expect(set.errors.isEmpty, "\(set.errors)")
        var engine = try DetectionEngine(
            ruleSet: set,
            configuration: .init(allowedLatenessMilliseconds: lateness)
        )
        var findings: [Finding] = []
        for (i, event) in events.enumerated() {
            findings += engine.process(T.detectionEvent(event, seq: Int64(i)))
        }
        if finish { findings += engine.finish() }
        return findings.filter { $0.kind == .correlation }
    }

    @Test func eventCountFiresOncePerFullWindowPerGroup() throws {
        let rule = """
            title: Many exports
            id: c-many
            correlation:
                type: event_count
                rules: export
                group-by: actor.id
                timespan: 10m
                condition:
                    gte: 3
            level: high
            """
        let events = [
            T.event(at: 0, actor: "a", action: "export"),
            T.event(at: 10, actor: "b", action: "export"),
            T.event(at: 60, actor: "a", action: "export"),
            T.event(at: 70, actor: "a", action: "view"),
            T.event(at: 120, actor: "a", action: "export"),
            T.event(at: 130, actor: "b", action: "export"),
            T.event(at: 200, actor: "a", action: "export"),
            T.event(at: 2000, actor: "b", action: "export"),
        ]
        let findings = try Self.run(rule, events)
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.rule == "c-many")
        #expect(finding.group == [GroupValue(field: "actor.id", value: "a")])
        #expect(finding.evidence.map(\.index) == [0, 2, 4])
        #expect(finding.value == 3)
        #expect(finding.windowStartMilliseconds == T.baseTime)
        #expect(finding.windowEndMilliseconds == T.baseTime + 120_000)
        #expect(finding.level == "high")
        #expect(finding.explanation.contains("3 matching events for actor.id a within 2 minutes"))
    }

    @Test func windowSlidesOnEventTime() throws {
        let rule = """
            title: Many exports
            correlation:
                type: event_count
                rules: export
                timespan: 10m
                condition:
                    gt: 2
            """
        // 0, 500, 700: 0..700 spans 11m40s; 500..1100 holds three.
        let events = [0, 500, 700, 1100].map { T.event(at: Int64($0), action: "export") }
        let findings = try Self.run(rule, events)
        #expect(findings.map { $0.evidence.map(\.index) } == [[1, 2, 3]])
    }

    @Test func valueCountCountsDistinctListElements() throws {
        let rule = """
            title: Fishing
            correlation:
                type: value_count
                rules: search
                group-by: actor.id
                timespan: 1h
                condition:
                    field: subjects
                    gte: 4
            """
        let events = [
            T.event(at: 0, action: "search", subjects: ["p1", "p2"]),
            T.event(at: 10, action: "search", subjects: ["P1"]),
            T.event(at: 20, action: "search"),
            T.event(at: 30, action: "search", subjects: ["p3"]),
            T.event(at: 40, action: "search", subjects: ["p4", "p2"]),
        ]
        let findings = try Self.run(rule, events)
        #expect(findings.count == 1)
        #expect(findings.first?.value == 4)
        #expect(findings.first?.evidence.map(\.index) == [0, 1, 3, 4])
    }

    @Test func valueSumWithExplanationTemplate() throws {
        let rule = """
            title: Bulk export volume
            explanation: exported {value} rows of {resource.dataset} in {duration}
            correlation:
                type: value_sum
                rules: export
                group-by:
                    - actor.id
                    - resource.dataset
                timespan: 30m
                condition:
                    field: rows
                    gte: 40000
            """
        let events = [
            T.event(at: 0, action: "export", rows: 20_000),
            T.event(at: 600, action: "export", dataset: "vehicles", rows: 90_000),
            T.event(at: 1200, action: "export", rows: 28_200),
        ]
        let findings = try Self.run(rule, events)
        #expect(findings.count == 2)
        #expect(findings.map(\.explanation).contains("exported 48,200 rows of persons in 20 minutes"))
        // vehicles alone is one event of 90,000 rows: a finding in its own group.
        let vehicles = try Self.run(rule.replacingOccurrences(of: "gte: 40000", with: "gte: 50000"), events)
        #expect(vehicles.map { $0.groupValueOf("resource.dataset") } == ["vehicles"])
    }

    @Test func valueAverageAndPercentileEvaluateAtWindowClose() throws {
        let average = """
            title: Large average
            correlation:
                type: value_avg
                rules: export
                group-by: actor.id
                timespan: 10m
                condition:
                    field: rows
                    gt: 100
            """
        let events = [
            T.event(at: 0, action: "export", rows: 50),
            T.event(at: 60, action: "export", rows: 400),
            T.event(at: 120, action: "export", rows: 10),
        ]
        // Without a later event the window is still open.
        #expect(try Self.run(average, events, finish: false).isEmpty)
        // A later event (any rule) advances the watermark past the window end.
        let closed = try Self.run(average, events + [T.event(at: 1000, action: "view")], finish: false)
        #expect(closed.count == 1)
        #expect(closed.first?.value == (50 + 400 + 10) / 3.0)
        #expect(try Self.run(average, events).count == 1)

        let percentile = """
            title: High median
            correlation:
                type: value_percentile
                rules: export
                timespan: 10m
                condition:
                    field: rows
                    percentile: 50
                    gte: 50
            """
        let median = try Self.run(percentile, events)
        #expect(median.first?.value == 50)
        let p90 = try Self.run(percentile.replacingOccurrences(of: "percentile: 50", with: "percentile: 90"), events)
        #expect(p90.first.map { abs($0.value - 330) < 1e-9 } == true)  // 50 + 0.8 * (400 - 50)
    }

    @Test func upperBoundsFireAtWindowClose() throws {
        let rule = """
            title: Single lookup
            correlation:
                type: event_count
                rules: search
                group-by: actor.id
                timespan: 1h
                condition:
                    lt: 2
            """
        let events = [
            T.event(at: 0, actor: "a", action: "search"),
            T.event(at: 10, actor: "b", action: "search"),
            T.event(at: 20, actor: "b", action: "search"),
            T.event(at: 7200, actor: "c", action: "view"),
        ]
        let findings = try Self.run(rule, events, finish: false)
        #expect(findings.map { $0.groupValueOf("actor.id") } == ["a"])
    }

    @Test func temporalInAnyOrder() throws {
        let rule = """
            title: Probe then export
            correlation:
                type: temporal
                rules:
                    - denied
                    - export
                group-by: actor.id
                timespan: 5m
            """
        let inOrder = [T.event(at: 0, outcome: .denied), T.event(at: 60, action: "export")]
        let reversed = [T.event(at: 0, action: "export"), T.event(at: 60, outcome: .denied)]
        let tooFar = [T.event(at: 0, outcome: .denied), T.event(at: 400, action: "export")]
        #expect(try Self.run(rule, inOrder).count == 1)
        #expect(try Self.run(rule, reversed).count == 1)
        #expect(try Self.run(rule, tooFar).isEmpty)
        #expect(try Self.run(rule, inOrder).first?.value == 2)
    }

    @Test func temporalOrderedRequiresOrder() throws {
        let rule = """
            title: Denied then viewed
            correlation:
                type: temporal_ordered
                rules:
                    - denied
                    - viewed
                group-by: actor.id
                timespan: 5m
            """
        let inOrder = [T.event(at: 0, action: "view", outcome: .denied), T.event(at: 60, action: "view")]
        let reversed = [T.event(at: 0, action: "view"), T.event(at: 60, action: "view", outcome: .denied)]
        #expect(try Self.run(rule, inOrder).count == 1)
        #expect(try Self.run(rule, reversed).isEmpty)
        // Out-of-order arrival within the allowed lateness is ordered by event time.
        let late = [T.event(at: 60, action: "view"), T.event(at: 0, action: "view", outcome: .denied)]
        #expect(try Self.run(rule, late, lateness: 120_000).count == 1)
    }

    @Test func aliasesGroupDifferentFields() throws {
        let rule = """
            title: Looked up then exported the same person
            correlation:
                type: temporal_ordered
                rules:
                    - search
                    - export
                group-by:
                    - person
                timespan: 1h
                aliases:
                    person:
                        search: query
                        export: attributes.person
            """
        let events = [
            T.event(at: 0, action: "search", query: "p-77"),
            T.event(at: 30, action: "export", attributes: JSONObject([("person", .string("p-78"))])),
            T.event(at: 60, action: "export", attributes: JSONObject([("person", .string("p-77"))])),
        ]
        let findings = try Self.run(rule, events)
        #expect(findings.count == 1)
        #expect(findings.first?.group == [GroupValue(field: "person", value: "p-77")])
        #expect(findings.first?.evidence.map(\.index) == [0, 2])
    }

    @Test func chainedCorrelations() throws {
        let rules = """
            title: Many denials
            name: many_denied
            correlation:
                type: event_count
                rules: denied
                group-by: actor.id
                timespan: 10m
                condition:
                    gte: 3
            ---
            title: Denials then export
            correlation:
                type: temporal_ordered
                rules:
                    - many_denied
                    - export
                group-by: actor.id
                timespan: 30m
            """
        var events = (0..<3).map { T.event(at: Int64($0) * 10, outcome: .denied) }
        events.append(T.event(at: 600, action: "export"))
        let findings = try Self.run(rules, events)
        #expect(findings.map(\.title) == ["Many denials", "Denials then export"])
        #expect(findings.last?.evidence.map(\.index) == [0, 1, 2, 3])
    }

    @Test func referencedRulesAreSilentUnlessGenerate() throws {
        func matches(_ generate: Bool) throws -> Int {
            let rule = """
                title: Many exports
                correlation:
                    type: event_count
                    rules: export
                    timespan: 10m
                    generate: \(generate)
                    condition:
                        gte: 100
                """
            let set = RuleSet(files: ["base.yml": Self.baseRules, "c.yml": rule])
            var engine = try DetectionEngine(ruleSet: set)
            return engine.process(T.detectionEvent(T.event(action: "export"))).filter { $0.kind == .match }.count
        }
        #expect(try matches(false) == 0)
        #expect(try matches(true) == 1)
    }

    @Test func unknownReferencesAndCyclesAreErrors() {
        let unknown = """
            title: Broken
            correlation:
                type: event_count
                rules: nonexistent
                timespan: 10m
                condition:
                    gte: 2
            """
        let set = RuleSet(files: ["base.yml": Self.baseRules, "broken.yml": unknown])
        #expect(set.correlations.isEmpty)
        #expect(set.errors.count == 1)
        #expect(set.errors.first?.file == "broken.yml")
        #expect(set.errors.first?.line == 1)
        #expect(set.errors.first?.message.contains("nonexistent") == true)
        let cycle = """
            title: A
            name: a
            correlation:
                type: temporal
                rules: [b, export]
                timespan: 10m
            ---
            title: B
            name: b
            correlation:
                type: temporal
                rules: [a, export]
                timespan: 10m
            """
        let cyclic = RuleSet(files: ["base.yml": Self.baseRules, "cycle.yml": cycle])
        #expect(cyclic.errors.contains { $0.message.contains("cycle") })
    }

    @Test func snapshotAndRestoreGiveTheSameFindings() throws {
        let correlations = """
            title: Many exports
            correlation:
                type: event_count
                rules: export
                group-by: actor.id
                timespan: 10m
                condition:
                    gte: 4
            ---
            title: Row volume
            correlation:
                type: value_sum
                rules: export
                group-by: actor.id
                timespan: 30m
                condition:
                    field: rows
                    gt: 1500
            ---
            title: Average
            correlation:
                type: value_avg
                rules: export
                group-by: resource.dataset
                timespan: 15m
                condition:
                    field: rows
                    gt: 400
            ---
            title: Few searches
            correlation:
                type: event_count
                rules: search
                group-by: actor.id
                timespan: 20m
                condition:
                    lte: 1
            ---
            title: Fishing
            correlation:
                type: value_count
                rules: search
                group-by: actor.id
                timespan: 1h
                condition:
                    field: subjects
                    gte: 5
            ---
            title: Probe then view
            correlation:
                type: temporal_ordered
                rules: [denied, viewed]
                group-by: actor.id
                timespan: 5m
            """
        var random = SplitMix64(seed: 7)
        var events: [AccessEvent] = []
        var clock: Int64 = 0
        for _ in 0..<3000 {
            clock += Int64(random.next() % 40)
            let jitter = Int64(random.next() % 20)  // slightly out of order
            let actions = ["export", "search", "view", "view", "search"]
            events.append(
                T.event(
                    at: clock - jitter,
                    actor: "u\(random.next() % 6)",
                    action: actions[Int(random.next() % 5)],
                    dataset: ["persons", "vehicles"][Int(random.next() % 2)],
                    subjects: ["p\(random.next() % 30)"],
                    rows: Int64(random.next() % 1000),
                    outcome: random.next() % 7 == 0 ? .denied : .success
                )
            )
        }
        let set = RuleSet(files: ["base.yml": Self.baseRules, "c.yml": correlations])
        #expect(set.errors.isEmpty, "\(set.errors)")
        let configuration = CorrelationEngine.Configuration(allowedLatenessMilliseconds: 30_000)
        var whole = try DetectionEngine(ruleSet: set, configuration: configuration)
        var expected: [Finding] = []
        for (i, event) in events.enumerated() { expected += whole.process(T.detectionEvent(event, seq: Int64(i))) }
        expected += whole.finish()
        #expect(expected.filter { $0.kind == .correlation }.count > 10)
        #expect(Set(expected.compactMap(\.correlationType)).count == 5, "\(Set(expected.map(\.title)))")

        for cut in [1, 1500, 2999] {
            var first = try DetectionEngine(ruleSet: set, configuration: configuration)
            var actual: [Finding] = []
            for (i, event) in events.enumerated().prefix(cut) {
                actual += first.process(T.detectionEvent(event, seq: Int64(i)))
            }
            let data = try JSONEncoder().encode(first.snapshot())
            var second = try DetectionEngine(ruleSet: set, configuration: configuration)
            second.restore(try JSONDecoder().decode(CorrelationSnapshot.self, from: data))
            for (i, event) in events.enumerated().dropFirst(cut) {
                actual += second.process(T.detectionEvent(event, seq: Int64(i)))
            }
            actual += second.finish()
            #expect(actual == expected, "cut at \(cut)")
        }
    }

    @Test func evidenceIsNeverRepeatedWithinACorrelation() throws {
        let rule = """
            title: Many exports
            correlation:
                type: event_count
                rules: export
                timespan: 1h
                condition:
                    gte: 10
            """
        let events = (0..<250).map { T.event(at: Int64($0), action: "export") }
        let findings = try Self.run(rule, events)
        #expect(findings.count == 25)
        let all = findings.flatMap { $0.evidence.map(\.index) }
        #expect(Set(all).count == all.count)
    }
}

extension Finding {
    /// The value of a group-by field.
    func groupValueOf(_ field: String) -> String? { group.first { $0.field == field }?.value }
}
