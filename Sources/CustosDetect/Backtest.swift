public import CustosCore

/// A back-test: stored events replayed through a candidate rule set, in commit order, without raising anything —
/// only counted, so a team sees a rule's alert volume before enabling it (docs/rules.md, "Back-testing").
///
/// ```swift
/// var backtest = try Backtest(ruleSet: set, reference: enrichment, keep: 100)
/// for stored in page.events { backtest.process(stored) }
/// backtest.finish()                                    // closes the correlation windows still open
/// let answer = backtest.jsonValue
/// ```
public struct Backtest: Sendable {
    /// One row of a per-key count.
    public struct Count: Sendable, Hashable {
        /// The key (a day `YYYY-MM-DD`, an actor, a rule id).
        public var key: String
        /// The findings counted under it.
        public var findings: Int
    }

    /// The events replayed so far.
    public private(set) var eventsScanned = 0
    /// The findings so far.
    public private(set) var findingsCount = 0
    /// The first ``keep`` findings, in the order the engine produced them.
    public private(set) var firstFindings: [ReportedFinding] = []
    /// How many findings are kept in full.
    public let keep: Int
    private var perDay: [Int64: Int] = [:]
    private var perActor: [String: Int] = [:]
    private var perRule: [String: (title: String, findings: Int)] = [:]
    private var engine: DetectionEngine
    private var reporter = FindingReporter()
    private let reference: ReferenceEnrichment?
    private var finished = false

    /// Creates a back-test of `ruleSet`, enriching each event from `reference` when given and keeping the first
    /// `keep` findings in full.
    public init(ruleSet: RuleSet, reference: ReferenceEnrichment? = nil, keep: Int) throws(RuleError) {
        engine = try DetectionEngine(ruleSet: ruleSet)
        self.reference = reference
        self.keep = max(0, keep)
    }

    /// Replays one stored event (events must come in `seq` order).
    public mutating func process(_ stored: StoredEvent) {
        let fields = stored.jsonValue.objectValue ?? JSONObject()
        let enrichment = reference?.enrichment(for: fields, time: stored.event.time) ?? JSONObject()
        let event = DetectionEvent(
            fields: fields,
            time: stored.event.time,
            seq: stored.seq,
            id: stored.event.id,
            enrichment: enrichment
        )
        reporter.observe(actor: stored.event.actor.id, index: stored.seq)
        eventsScanned += 1
        for finding in engine.process(event) { count(reporter.report(finding, eventActor: stored.event.actor.id)) }
    }

    /// Closes every correlation window still open (the end of the range) and counts what they produce.
    public mutating func finish() {
        guard !finished else { return }
        finished = true
        for finding in engine.finish() { count(reporter.report(finding, eventActor: nil)) }
    }

    private mutating func count(_ finding: ReportedFinding) {
        findingsCount += 1
        perDay[Timestamp(millisecondsSinceEpoch: finding.timeMilliseconds).dayNumber, default: 0] += 1
        perActor[finding.actor, default: 0] += 1
        perRule[finding.rule, default: (finding.title, 0)].findings += 1
        if firstFindings.count < keep { firstFindings.append(finding) }
    }

    /// Findings per UTC day of their time, oldest day first.
    public var findingsPerDay: [Count] {
        perDay.sorted { $0.key < $1.key }.map { day, n in
            Count(key: String(Timestamp(millisecondsSinceEpoch: day * 86_400_000).rfc3339.prefix(10)), findings: n)
        }
    }

    /// Findings per actor, most first (then by actor).
    public var findingsPerActor: [Count] {
        perActor.map { Count(key: $0.key, findings: $0.value) }
            .sorted { ($0.findings, $1.key) > ($1.findings, $0.key) }
    }

    /// Findings per rule, most first (then by rule), with each rule's title.
    public var findingsPerRule: [(count: Count, title: String)] {
        perRule.map { (Count(key: $0.key, findings: $0.value.findings), $0.value.title) }
            .sorted { ($0.count.findings, $1.count.key) > ($1.count.findings, $0.count.key) }
    }

    /// The result: `events_scanned`, `findings_count`, `findings_per_day` (for a chart), `findings_per_actor`,
    /// `findings_per_rule` and `findings` (the first ``keep``, as `custos rules test` writes them).
    public var jsonValue: JSONValue {
        func counts(_ list: [Count], key: String) -> JSONValue {
            .array(
                list.map { .object(JSONObject([(key, .string($0.key)), ("findings", .integer(Int64($0.findings)))])) }
            )
        }
        return .object(
            JSONObject([
                ("events_scanned", .integer(Int64(eventsScanned))),
                ("findings_count", .integer(Int64(findingsCount))),
                ("findings_per_day", counts(findingsPerDay, key: "day")),
                ("findings_per_actor", counts(findingsPerActor, key: "actor")),
                (
                    "findings_per_rule",
                    .array(
                        findingsPerRule.map {
                            .object(
                                JSONObject([
                                    ("rule", .string($0.count.key)), ("title", .string($0.title)),
                                    ("findings", .integer(Int64($0.count.findings))),
                                ])
                            )
                        }
                    )
                ),
                ("findings", .array(firstFindings.map(\.jsonValue))),
                ("findings_truncated", .bool(findingsCount > firstFindings.count)),
            ])
        )
    }
}
