import CustosCore
import CustosDetect
import Foundation
import Testing

/// Runs a pack of 20 rules and the correlation engine over many events and prints the rate. Nothing here asserts a
/// speed (goals live in benchmarks): the checks are that the runs complete and match. For the figure run
/// `CUSTOS_LONG_TESTS=1 swift test -c release --filter Throughput`.
@Suite("Throughput", .serialized)
struct ThroughputTests {
    @Test func twentyRulesOverManyEvents() throws {
        let pack = Array(DifferentialCorpus.rules.filter { !$0.name.hasPrefix("random_") }.prefix(20))
        let set = RuleSet(files: Dictionary(uniqueKeysWithValues: pack.map { ($0.name, $0.text) }))
        #expect(set.errors.isEmpty)
        #expect(set.matchers.count == 20)
        let long = ProcessInfo.processInfo.environment["CUSTOS_LONG_TESTS"] == "1"
        let events = DifferentialCorpus.events(count: long ? 20_000 : 2_000, seed: 5).map {
            DetectionEvent(fields: DifferentialCorpus.nested($0), time: Timestamp(millisecondsSinceEpoch: 0))
        }
        let rounds = long ? 10 : 1
        var matched = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<rounds {
                for event in events { matched += set.matchingRules(event).count }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(events.count * rounds) / seconds
        print("CustosDetect throughput: \(Int(rate)) events/s for 20 rules (\(matched) matches)")
        #expect(matched > 0)
    }

    @Test func engineWithCorrelationsFromAccessEvents() throws {
        let set = RuleSet(files: try RuleSetTests.fixtureRules())
        var engine = try DetectionEngine(ruleSet: set)
        let long = ProcessInfo.processInfo.environment["CUSTOS_LONG_TESTS"] == "1"
        var random = SplitMix64(seed: 3)
        let enrichment = JSONObject([("subject_in_assigned_case", .bool(false))])
        let events = (0..<(long ? 100_000 : 5_000)).map { i in
            TestSupport.event(
                at: Int64(i) / 10,
                actor: "officer-\(random.next() % 50)",
                action: ["search", "view", "export", "print"][Int(random.next() % 4)],
                labels: random.next() % 50 == 0 ? ["vip"] : [],
                subjects: ["p-\(random.next() % 1000)"],
                rows: Int64(random.next() % 2000),
                outcome: random.next() % 20 == 0 ? .denied : .success
            )
        }
        var findings = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for (i, event) in events.enumerated() {
                findings += engine.process(DetectionEvent(event: event, seq: Int64(i), enrichment: enrichment)).count
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("DetectionEngine: \(Int(Double(events.count) / seconds)) events/s, fixture pack, \(findings) findings")
        #expect(findings > 0)
    }
}
