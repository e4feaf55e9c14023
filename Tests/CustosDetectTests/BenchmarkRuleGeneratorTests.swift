import CustosCore
import CustosDetect
import Foundation
import Testing

/// The generated benchmark rules (`custos bench detect`) load beside the built-in pack, cover the modifier and
/// correlation mix the benchmark claims, are deterministic, and match real events; the engine's state stays bounded
/// as event time moves on.
@Suite("Benchmark rules")
struct BenchmarkRuleGeneratorTests {
    @Test func twoHundredRulesLoadBesideThePackWithOneInFiveCorrelations() throws {
        let generated = BenchmarkRuleGenerator(seed: 1).files(count: 200)
        let alone = RuleSet(files: generated)
        #expect(alone.errors.isEmpty, "\(alone.errors.prefix(3))")
        #expect(alone.matchers.count == 160)
        #expect(alone.correlations.count == 40)
        let pack = try RulePackTests.packFiles()
        let both = RuleSet(files: generated.merging(pack) { a, _ in a })
        #expect(both.errors.isEmpty, "\(both.errors.prefix(3))")
        #expect(both.matchers.count == 160 + RulePackTests.pack.matchers.count)
        #expect(both.correlations.count == 40 + RulePackTests.pack.correlations.count)
    }

    @Test func coversTheModifierAndCorrelationMix() {
        let text = BenchmarkRuleGenerator(seed: 1).files(count: 200).values.joined(separator: "\n")
        for feature in [
            "|contains:", "|startswith:", "|endswith:", "|re|i:", "|cidr:", "|gt:", "|lte:", "|lt:", "|gte:",
            "|exists:", "*'", "?", "1 of sel_*", "all of sel_*", "and not filter", "type: event_count",
            "type: value_count", "type: temporal", "- actor.id", "timespan:", "enrichment.",
        ] {
            #expect(text.contains(feature), "missing \(feature)")
        }
    }

    @Test func sameSeedSameRulesOtherSeedOtherRules() {
        let one = BenchmarkRuleGenerator(seed: 1).files(count: 50)
        #expect(one == BenchmarkRuleGenerator(seed: 1).files(count: 50))
        #expect(one != BenchmarkRuleGenerator(seed: 2).files(count: 50))
        #expect(one.count == 40)
    }

    @Test func generatedRulesMatchSomeButNotAllEvents() throws {
        let set = RuleSet(files: BenchmarkRuleGenerator(seed: 1).files(count: 200))
        var random = SplitMix64(seed: 9)
        var matchedEvents = 0
        var matches = 0
        let total = 2000
        for i in 0..<total {
            let event = TestSupport.event(
                at: Int64(i),
                actor: "officer-00\(random.next() % 50)",
                ip: "10.2\(random.next() % 6).1.\(random.next() % 200)",
                action: ["search", "view", "export", "print", "login"][Int(random.next() % 5)],
                dataset: ["persons", "cases", "vehicles"][Int(random.next() % 3)],
                labels: random.next() % 10 == 0 ? ["restricted"] : ["pii"],
                subjects: ["person:\(random.next() % 2000)"],
                query: random.next() % 3 == 0 ? "surname = 'Adams' AND given_name LIKE 'D%'" : nil,
                rows: Int64(random.next() % 3000),
                outcome: random.next() % 20 == 0 ? .denied : .success
            )
            let count = set.matchingRules(DetectionEvent(event: event)).count
            matches += count
            if count > 0 { matchedEvents += 1 }
        }
        #expect(matchedEvents > 0)
        // A realistic mix: rules are selective, so an event matches a few of 160, not most.
        #expect(Double(matches) / Double(total) < 40)
    }

    @Test func correlationStateExpiresByEventTime() throws {
        let rules = """
            title: Viewed
            name: viewed
            logsource:
                product: custos
            detection:
                selection:
                    action: view
                condition: selection
            ---
            title: Many views
            name: many_views
            correlation:
                type: event_count
                rules: viewed
                group-by:
                    - actor.id
                timespan: 10m
                condition:
                    gte: 1000
            """
        var engine = try DetectionEngine(
            ruleSet: RuleSet(files: ["views.yml": rules]),
            configuration: CorrelationEngine.Configuration(allowedLatenessMilliseconds: 60_000)
        )
        var peak = 0
        for i in 0..<20_000 {
            // 50 actors, one view each every 10 s: a 10-minute window holds at most 60 per actor.
            let event = TestSupport.event(at: Int64(i / 50) * 10, actor: "officer-\(i % 50)", action: "view")
            _ = engine.process(DetectionEvent(event: event, seq: Int64(i)))
            peak = max(peak, engine.snapshot().bufferedOccurrenceCount)
        }
        let snapshot = engine.snapshot()
        #expect(snapshot.openGroupCount == 50)
        // Bounded by the window plus lateness (11 minutes of views per actor, 66 each) and the 1,024 events between
        // prunings, not by the 20,000 events seen.
        #expect(peak <= 50 * 67 + 1024)
        #expect(snapshot.bufferedOccurrenceCount <= 50 * 67 + 1024)
    }
}
