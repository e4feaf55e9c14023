import CustosCore
import CustosDetect
import Testing

/// ``Backtest`` and ``FindingReporter``: counts per day, actor and rule, the kept findings, and who a finding is
/// about when its correlation is not grouped by actor.
@Suite("Back-test")
struct BacktestTests {
    static let rules = """
        title: Export
        id: t-export
        name: t_export
        logsource:
            product: custos
        detection:
            selection:
                action: export
            condition: selection
        level: high
        ---
        title: Denied
        id: t-denied
        name: t_denied
        logsource:
            product: custos
        detection:
            selection:
                outcome: denied
            condition: selection
        ---
        title: Denials on one dataset
        id: t-denials
        correlation:
            type: event_count
            rules: t_denied
            group-by:
                - resource.dataset
            timespan: 1h
            condition:
                gte: 2
        level: medium
        """

    static func stored(
        _ seq: Int64,
        hours: Int64,
        actor: String,
        action: String = "view",
        denied: Bool = false
    )
        -> StoredEvent
    {
        StoredEvent(
            seq: seq,
            received: Timestamp(millisecondsSinceEpoch: TestSupport.baseTime),
            event: TestSupport.event(
                id: seq == 3 ? nil : "e-\(seq)",
                at: hours * 3600,
                actor: actor,
                action: action,
                outcome: denied ? .denied : .success
            )
        )
    }

    @Test func countsPerDayActorAndRuleAndKeepsTheFirstFindings() throws {
        let set = RuleSet(files: ["t.yml": Self.rules])
        #expect(set.errors.isEmpty)
        var backtest = try Backtest(ruleSet: set, keep: 2)
        let events = [
            Self.stored(0, hours: 0, actor: "a", action: "export"),
            Self.stored(1, hours: 1, actor: "b", denied: true),
            Self.stored(2, hours: 1, actor: "c", denied: true),  // with 1: a correlation not grouped by actor
            Self.stored(3, hours: 30, actor: "a", action: "export"),  // the next day, no client id
            Self.stored(4, hours: 31, actor: "b", action: "export"),
        ]
        for e in events { backtest.process(e) }
        backtest.finish()
        backtest.finish()  // idempotent
        #expect(backtest.eventsScanned == 5)
        #expect(backtest.findingsCount == 4)
        #expect(backtest.firstFindings.count == 2)
        #expect(backtest.firstFindings[0].rule == "t-export" && backtest.firstFindings[0].actor == "a")
        let correlation = try #require(backtest.firstFindings.last)
        #expect(correlation.rule == "t-denials")
        #expect(correlation.actor == "b", "the actor of the first evidence event")
        #expect(correlation.evidence == ["e-1", "e-2"])
        #expect(backtest.findingsPerActor.map(\.key) == ["a", "b"])
        #expect(backtest.findingsPerActor.map(\.findings) == [2, 2])
        let days = backtest.findingsPerDay
        #expect(days.map(\.findings) == [2, 2])
        #expect(days.map(\.key) == days.map(\.key).sorted() && days.allSatisfy { $0.key.count == 10 })
        #expect(backtest.findingsPerRule.map(\.count.key) == ["t-export", "t-denials"])
        let json = backtest.jsonValue.objectValue
        #expect(json?["findings_truncated"] == .bool(true))
        let listed = json?["findings"]?.arrayValue ?? []
        #expect(listed.count == 2)
        let keys = listed.first?.objectValue?.members.map(\.0) ?? []
        #expect(keys == ["rule", "title", "actor", "time", "severity", "explanation", "evidence"])
    }

    @Test func anEventWithoutAnIdIsCitedBySeq() throws {
        var backtest = try Backtest(ruleSet: RuleSet(files: ["t.yml": Self.rules]), keep: 10)
        backtest.process(Self.stored(3, hours: 0, actor: "a", action: "export"))
        #expect(backtest.firstFindings.first?.evidence == ["#3"])
    }
}
