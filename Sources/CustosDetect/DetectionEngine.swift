import CustosCore

/// The streaming detection facade: every event is matched against every detection rule once, the matches feed the
/// correlation engine, and both kinds of result come back as ``Finding``s with explanations.
///
/// A detection rule produces findings of its own unless correlations refer to it and none of them says
/// `generate: true` (the Sigma default: rules used by correlations only feed them).
///
/// ```swift
/// var engine = try DetectionEngine(ruleSet: RuleSet(files: files))
/// for stored in events { alerts += engine.process(DetectionEvent(stored: stored)) }
/// let state = engine.snapshot()          // persist; later: engine.restore(state)
/// ```
public struct DetectionEngine: Sendable {
    /// The rules.
    public let ruleSet: RuleSet
    private var correlationEngine: CorrelationEngine
    private let reportsMatches: [Bool]
    /// Each detection rule's explanation, prepared once.
    private let explanations: [MatchExplanation]

    /// Creates an engine over a rule set.
    public init(ruleSet: RuleSet, configuration: CorrelationEngine.Configuration = .init()) throws(RuleError) {
        self.ruleSet = ruleSet
        self.correlationEngine = try CorrelationEngine(
            correlations: ruleSet.correlations,
            rules: ruleSet.rules,
            configuration: configuration
        )
        var silenced = Set<String>()
        var generated = Set<String>()
        for correlation in ruleSet.correlations {
            for reference in correlation.rules {
                if correlation.generate { generated.insert(reference) } else { silenced.insert(reference) }
            }
        }
        explanations = ruleSet.rules.map(MatchExplanation.init)
        reportsMatches = ruleSet.rules.map { rule in
            let names = [rule.metadata.id, rule.metadata.name].compactMap { $0 }
            return names.contains(where: generated.contains) || !names.contains(where: silenced.contains)
        }
    }

    /// Processes one event; returns the findings it produces (its own matches, then completed correlations).
    public mutating func process(_ event: DetectionEvent) -> [Finding] {
        var values = ruleSet.fieldValues(of: event)
        let matched = ruleSet.matchingRules(&values)
        var findings: [Finding] = []
        let reference = EventReference(index: event.seq ?? correlationEngine.processedEventCount, id: event.id)
        for index in matched where reportsMatches[index] {
            let rule = ruleSet.matchers[index].rule
            findings.append(
                Finding(
                    kind: .match,
                    rule: rule.metadata.reference,
                    title: rule.metadata.title,
                    level: rule.metadata.level,
                    correlationType: nil,
                    group: [],
                    windowStartMilliseconds: event.time.millisecondsSinceEpoch,
                    windowEndMilliseconds: event.time.millisecondsSinceEpoch,
                    value: 1,
                    evidence: [reference],
                    explanation: explanations[index].text(for: event)
                )
            )
        }
        // The correlation engine was created over `ruleSet.rules`, so rule indices are its indices too.
        let correlated = correlationEngine.process(event, matchedRuleIndices: matched)
        findings += correlated.map(finding)
        return findings
    }

    /// Closes every open correlation window (end of a back-test) and returns the resulting findings.
    public mutating func finish() -> [Finding] {
        correlationEngine.finish().map(finding)
    }

    /// The engine's state (the correlation windows), to persist and ``restore(_:)`` after a restart.
    public func snapshot() -> CorrelationSnapshot { correlationEngine.snapshot() }

    /// Resumes from a snapshot.
    public mutating func restore(_ snapshot: CorrelationSnapshot) { correlationEngine.restore(snapshot) }

    private func finding(_ found: CorrelationFinding) -> Finding {
        let rule = correlationEngine.correlation(of: found)
        return Finding(
            kind: .correlation,
            rule: found.rule,
            title: found.title,
            level: found.level,
            correlationType: found.type,
            group: found.group,
            windowStartMilliseconds: found.windowStartMilliseconds,
            windowEndMilliseconds: found.windowEndMilliseconds,
            value: found.value,
            evidence: found.evidence,
            explanation: rule.map { FindingExplanation.correlation(found, rule: $0) } ?? found.title
        )
    }
}
