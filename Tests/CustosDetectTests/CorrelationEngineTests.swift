import CustosCore
import CustosDetect
import Foundation
import Testing

@Suite("Correlation engine")
struct CorrelationEngineTests {
    typealias T = TestSupport

    static let texts = """
        title: Export
        id: 00000000-0000-4000-8000-0000000000e1
        name: export
        detection:
            sel:
                action: export
            condition: sel
        ---
        title: Burst
        correlation:
            type: event_count
            rules: 00000000-0000-4000-8000-0000000000e1
            group-by: actor.id
            timespan: 1m
            condition:
                gte: 2
        ---
        title: Burst
        correlation:
            type: event_count
            rules: export
            timespan: 1m
            condition:
                eq: 1
        """

    static func engine(lateness: Int64 = 0) throws -> (CorrelationEngine, RuleMatcher) {
        let documents = try SigmaParser.parseDocuments(texts, file: "engine.yml")
        var rules: [SigmaRule] = []
        var correlations: [CorrelationRule] = []
        for document in documents {
            switch document {
            case .rule(let rule): rules.append(rule)
            case .correlation(let correlation): correlations.append(correlation)
            }
        }
        let engine = try CorrelationEngine(
            correlations: correlations,
            rules: rules,
            configuration: .init(allowedLatenessMilliseconds: lateness)
        )
        return (engine, try RuleMatcher(rule: rules[0]))
    }

    @Test func referencesByIdAndUniqueKeysForRepeatedTitles() throws {
        var (engine, matcher) = try Self.engine()
        #expect(engine.referencedRules == ["export", "00000000-0000-4000-8000-0000000000e1"])
        var findings: [CorrelationFinding] = []
        for (i, second) in [0, 10, 200].enumerated() {
            let event = T.detectionEvent(T.event(at: Int64(second), action: "export"), seq: Int64(100 + i))
            let matched = matcher.matches(event) ? [matcher.rule.metadata] : []
            findings += engine.process(event, matchedRules: matched)
        }
        findings += engine.finish()
        #expect(findings.map(\.rule) == ["Burst", "Burst#2"])
        #expect(findings[0].evidence.map(\.index) == [100, 101])
        // `eq: 1` fires when the lone export's window closes.
        #expect(findings[1].evidence.map(\.index) == [102])
        #expect(engine.correlation(of: findings[1])?.condition?.bounds == [.init(.eq, 1)])
    }

    @Test func latenessDelaysWindowClose() throws {
        var (engine, matcher) = try Self.engine(lateness: 120_000)
        func feed(_ second: Int64, _ action: String) -> [CorrelationFinding] {
            let event = T.detectionEvent(T.event(at: second, action: action))
            return engine.process(event, matchedRules: matcher.matches(event) ? [matcher.rule.metadata] : [])
        }
        #expect(feed(0, "export").isEmpty)
        // 90 s later the window [0, 60 s] is over, but a late export could still arrive: nothing yet.
        #expect(feed(90, "view").isEmpty)
        // A late export at 30 s joins the first window (and completes the burst).
        let burst = feed(30, "export")
        #expect(burst.map(\.rule) == ["Burst"])
        // Past the lateness, the `eq: 1` window closes with both exports: no finding.
        #expect(feed(300, "view").isEmpty)
    }

    @Test func snapshotIsPlainJSON() throws {
        var (engine, matcher) = try Self.engine()
        let event = T.detectionEvent(T.event(action: "export"))
        _ = engine.process(event, matchedRules: [matcher.rule.metadata])
        let data = try JSONEncoder().encode(engine.snapshot())
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["version"] as? Int == 1)
        #expect(object?["eventsProcessed"] as? Int == 1)
        var restored = try Self.engine().0
        restored.restore(try JSONDecoder().decode(CorrelationSnapshot.self, from: data))
        #expect(restored.snapshot() == engine.snapshot())
    }
}
