import CustosCore

/// Evaluates Sigma correlation rules over a stream of events, keeping sliding windows on event time per group.
///
/// Feed events in stream (ledger) order with the detection rules each one matched; the engine buffers those matches
/// per correlation and group-by values and emits ``CorrelationFinding``s:
///
/// - **Monotone conditions** (only `gt`/`gte`) on `event_count`, `value_count`, `value_sum`, `temporal` and
///   `temporal_ordered` fire as soon as some window of at most `timespan` holds enough (the window is measured
///   between the first and last contributing event, inclusive). The events of a finding are then removed from the
///   buffer, so each event is evidence in at most one finding of a correlation, and 250 exports with `gte: 100`
///   give two findings, not 151.
/// - **Other conditions** (`lt`, `lte`, `eq`, `neq`, and every `value_avg` / `value_percentile`) are evaluated when a
///   window closes: the window opened by the oldest buffered occurrence of a group closes once the watermark passes
///   its end; if the condition holds the window's events become a finding. The occurrences of an evaluated window
///   are consumed either way, so windows of these correlations do not overlap (otherwise `lt: 2` would always fire
///   on the last event of any burst). ``finish()`` closes every window (end of a back-test).
///
/// Event times may be out of order: the watermark is the latest event time minus
/// ``Configuration/allowedLatenessMilliseconds``. A late event is still placed in its group's window by its time;
/// windows closed before it arrived are not reopened.
///
/// Correlations may refer to other correlations (chains): a finding of the inner one becomes an occurrence of the
/// outer one at the finding's window end, with the inner group values readable by the same field names.
///
/// The state is a value: ``snapshot()`` captures it and ``restore(_:)`` resumes it exactly.
public struct CorrelationEngine: Sendable {
    /// Tuning of the engine.
    public struct Configuration: Sendable, Hashable, Codable {
        /// How far behind the latest event time an event may be and still count as on time (milliseconds).
        public var allowedLatenessMilliseconds: Int64
        /// The most occurrences buffered per group; the oldest are dropped beyond it (bounds memory).
        public var maximumOccurrencesPerGroup: Int

        /// Creates a configuration.
        public init(allowedLatenessMilliseconds: Int64 = 60_000, maximumOccurrencesPerGroup: Int = 100_000) {
            self.allowedLatenessMilliseconds = max(0, allowedLatenessMilliseconds)
            self.maximumOccurrencesPerGroup = max(1, maximumOccurrencesPerGroup)
        }
    }

    private struct Target: Sendable, Hashable {
        let plan: Int
        let slot: Int
    }

    /// The correlation rules, in evaluation order (a referenced correlation before those referring to it).
    public var correlations: [CorrelationRule] { plans.map(\.rule) }
    /// The configuration.
    public let configuration: Configuration

    private let plans: [CorrelationPlan]
    private let targetsByRule: [String: [Target]]
    /// The targets of each detection rule given at init, by its position there (its id's and name's together).
    private let targetsByRuleIndex: [[Target]]
    private let targetsByCorrelation: [[Target]]
    private var windows: [CorrelationWindowState]
    private var maximumTime: Int64?
    private var eventsProcessed: Int64 = 0
    private var arrivals: Int64 = 0

    /// Prepares correlations over a set of detection rules.
    ///
    /// - Throws: ``RuleError`` (at the correlation's location) when a reference names no rule or correlation, when
    ///   correlations refer to each other in a cycle, or when two correlations share an id or name.
    public init(
        correlations: [CorrelationRule],
        rules: [SigmaRule],
        configuration: Configuration = Configuration()
    ) throws(RuleError) {
        self.configuration = configuration
        var ruleNames: [String: Set<String>] = [:]  // reference → names of the rule (for aliases)
        for rule in rules {
            let names = Set([rule.metadata.id, rule.metadata.name].compactMap { $0 })
            for name in names { ruleNames[name] = names }
        }
        var correlationIndex: [String: Int] = [:]
        for (i, correlation) in correlations.enumerated() {
            for name in [correlation.metadata.id, correlation.metadata.name].compactMap({ $0 }) {
                if correlationIndex[name] != nil || ruleNames[name] != nil {
                    throw correlation.metadata.location.error("the id or name '\(name)' is used by another rule")
                }
                correlationIndex[name] = i
            }
        }
        // Order correlations so that referenced ones come first; reject unknown references and cycles.
        var order: [Int] = []
        var state = [Int](repeating: 0, count: correlations.count)  // 0 new, 1 visiting, 2 done
        func visit(_ i: Int) throws(RuleError) {
            if state[i] == 2 { return }
            if state[i] == 1 {
                throw correlations[i].metadata.location.error("correlations refer to each other in a cycle")
            }
            state[i] = 1
            for reference in correlations[i].rules {
                if let inner = correlationIndex[reference] {
                    try visit(inner)
                } else if ruleNames[reference] == nil {
                    throw correlations[i].metadata.location.error(
                        "correlation '\(correlations[i].metadata.title)' refers to '\(reference)', which is neither "
                            + "the id nor the name of a rule in the set"
                    )
                }
            }
            state[i] = 2
            order.append(i)
        }
        for i in correlations.indices { try visit(i) }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var plans: [CorrelationPlan] = []
        var keys = Set<String>()
        var byRule: [String: [Target]] = [:]
        var byCorrelation = [[Target]](repeating: [], count: correlations.count)
        for (planIndex, i) in order.enumerated() {
            let correlation = correlations[i]
            var slotNames: [Set<String>] = []
            for (slot, reference) in correlation.rules.enumerated() {
                if let inner = correlationIndex[reference] {
                    let meta = correlations[inner].metadata
                    slotNames.append(Set([reference, meta.id, meta.name].compactMap { $0 }))
                    byCorrelation[position[inner]!].append(Target(plan: planIndex, slot: slot))
                } else {
                    let names = ruleNames[reference] ?? [reference]
                    slotNames.append(names.union([reference]))
                    for name in names { byRule[name, default: []].append(Target(plan: planIndex, slot: slot)) }
                }
            }
            var key = correlation.metadata.reference
            var suffix = 2
            while !keys.insert(key).inserted {
                key = correlation.metadata.reference + "#\(suffix)"
                suffix += 1
            }
            plans.append(CorrelationPlan(rule: correlation, key: key, slotNames: slotNames))
        }
        self.plans = plans
        self.targetsByRule = byRule.mapValues { Array(Set($0)).sorted { ($0.plan, $0.slot) < ($1.plan, $1.slot) } }
        let targetsByRule = self.targetsByRule
        self.targetsByRuleIndex = rules.map { rule in
            var targets: [Target] = []
            for name in [rule.metadata.id, rule.metadata.name].compactMap({ $0 }) {
                for target in targetsByRule[name] ?? [] where !targets.contains(target) { targets.append(target) }
            }
            return targets
        }
        self.targetsByCorrelation = byCorrelation
        self.windows = [CorrelationWindowState](repeating: CorrelationWindowState(), count: plans.count)
    }

    /// The correlation rule a finding of this engine names, if any.
    public func correlation(of finding: CorrelationFinding) -> CorrelationRule? {
        plans.first { $0.key == finding.rule }?.rule
    }

    /// How many events the engine has processed (the stream position of the next event).
    public var processedEventCount: Int64 { eventsProcessed }

    /// The references (ids and names) of the detection rules the correlations use.
    public var referencedRules: Set<String> { Set(targetsByRule.keys) }

    /// Processes one event and the detection rules it matched; returns the findings it completes.
    ///
    /// - Parameters:
    ///   - event: The event (its `time` drives the windows; `seq`, else the stream position, is its reference).
    ///   - matchedRules: The metadata of every detection rule the event matched (rules no correlation uses are
    ///     ignored).
    public mutating func process(_ event: DetectionEvent, matchedRules: [RuleMetadata]) -> [CorrelationFinding] {
        var targets: [Target] = []
        for rule in matchedRules {
            for name in [rule.id, rule.name].compactMap({ $0 }) {
                for target in targetsByRule[name] ?? [] where !targets.contains(target) { targets.append(target) }
            }
        }
        return process(event, targets: targets)
    }

    /// Processes one event and the detection rules it matched, given by their positions in the `rules` the engine
    /// was created with; the same as ``process(_:matchedRules:)`` without looking rules up by name.
    mutating func process(_ event: DetectionEvent, matchedRuleIndices: [Int]) -> [CorrelationFinding] {
        var targets: [Target] = []
        for index in matchedRuleIndices {
            for target in targetsByRuleIndex[index] where !targets.contains(target) { targets.append(target) }
        }
        return process(event, targets: targets)
    }

    private mutating func process(_ event: DetectionEvent, targets: [Target]) -> [CorrelationFinding] {
        let reference = EventReference(index: event.seq ?? eventsProcessed, id: event.id)
        eventsProcessed += 1
        let time = event.time.millisecondsSinceEpoch
        maximumTime = max(maximumTime ?? time, time)
        var findings: [CorrelationFinding] = []
        for target in targets.sorted(by: { ($0.plan, $0.slot) < ($1.plan, $1.slot) }) {
            let plan = plans[target.plan]
            let groupValues = plan.groupPaths[target.slot].enumerated().map { i, path in
                GroupValue(field: plan.rule.groupBy[i], value: Self.text(event.value(at: path)))
            }
            var texts: [String] = []
            var number: Double?
            if let path = plan.valuePaths[target.slot] {
                let value = event.value(at: path)
                texts = Self.texts(value)
                number = Self.number(value)
                if plan.rule.type == .valueCount ? texts.isEmpty : number == nil { continue }
            }
            add(
                plan: target.plan,
                slot: target.slot,
                group: groupValues,
                time: time,
                texts: texts,
                number: number,
                evidence: [reference],
                into: &findings
            )
        }
        closeWindows(upTo: watermark, into: &findings)
        if eventsProcessed % 1024 == 0 { prune() }
        return findings
    }

    /// Closes every open window (as at the end of a back-test) and returns the findings that produces.
    public mutating func finish() -> [CorrelationFinding] {
        var findings: [CorrelationFinding] = []
        closeWindows(upTo: Int64.max, into: &findings)
        return findings
    }

    /// The engine's state, to persist and later ``restore(_:)``.
    public func snapshot() -> CorrelationSnapshot {
        var states: [String: CorrelationWindowState] = [:]
        for (i, plan) in plans.enumerated() { states[plan.key] = windows[i] }
        return CorrelationSnapshot(
            version: 1,
            maximumEventTimeMilliseconds: maximumTime,
            eventsProcessed: eventsProcessed,
            arrivals: arrivals,
            correlations: states
        )
    }

    /// Resumes from a snapshot. Windows of correlations that are no longer configured are dropped; correlations new
    /// since the snapshot start empty.
    public mutating func restore(_ snapshot: CorrelationSnapshot) {
        maximumTime = snapshot.maximumEventTimeMilliseconds
        eventsProcessed = snapshot.eventsProcessed
        arrivals = snapshot.arrivals
        for (i, plan) in plans.enumerated() {
            windows[i] = snapshot.correlations[plan.key] ?? CorrelationWindowState()
        }
    }

    private var watermark: Int64 {
        guard let maximumTime else { return Int64.min }
        return maximumTime.subtractingSaturated(configuration.allowedLatenessMilliseconds)
    }

    private mutating func add(
        plan planIndex: Int,
        slot: Int,
        group: [GroupValue],
        time: Int64,
        texts: [String],
        number: Double?,
        evidence: [EventReference],
        into findings: inout [CorrelationFinding]
    ) {
        let plan = plans[planIndex]
        let key = group.map { $0.value.map { "s" + $0 } ?? "n" }.joined(separator: "\u{1F}")
        arrivals += 1
        let occurrence = Occurrence(
            time: time,
            arrival: arrivals,
            slot: slot,
            texts: texts,
            number: number,
            evidence: evidence
        )
        // Taken out of the dictionary so that inserting into its occurrences does not copy them.
        var window = windows[planIndex].groups.removeValue(forKey: key) ?? GroupWindow(group: group)
        var insertAt = window.occurrences.endIndex
        while insertAt > 0 && window.occurrences[insertAt - 1].time > time { insertAt -= 1 }
        window.occurrences.insert(occurrence, at: insertAt)
        if window.occurrences.count > configuration.maximumOccurrencesPerGroup {
            let excess = window.occurrences.count - configuration.maximumOccurrencesPerGroup
            window.occurrences.removeFirst(excess)
            insertAt = max(0, insertAt - excess)
        }
        if plan.firesEagerly {
            if let finding = fireEagerly(plan, &window, containing: insertAt) {
                findings.append(finding)
                windows[planIndex].groups[key] = window.occurrences.isEmpty ? nil : window
                forward(finding, from: planIndex, into: &findings)
                return
            }
        } else {
            let deadline = window.occurrences[0].time.addingSaturated(plan.rule.timespanMilliseconds)
            windows[planIndex].nextDeadline = min(windows[planIndex].nextDeadline ?? deadline, deadline)
        }
        windows[planIndex].groups[key] = window
    }

    /// Looks for a window containing the new occurrence that satisfies a monotone condition; removes its
    /// occurrences from the group and returns the finding.
    private func fireEagerly(
        _ plan: CorrelationPlan,
        _ window: inout GroupWindow,
        containing index: Int
    )
        -> CorrelationFinding?
    {
        let occurrences = window.occurrences
        let span = plan.rule.timespanMilliseconds
        var left = 0
        var right = index
        while right < occurrences.count && occurrences[right].time.subtractingSaturated(occurrences[index].time) <= span
        {
            while occurrences[right].time.subtractingSaturated(occurrences[left].time) > span { left += 1 }
            if left <= index, let value = plan.metric(occurrences[left...right]), plan.condition.holds(for: value) {
                let finding = makeFinding(plan, window.group, occurrences[left...right], value: value)
                window.occurrences.removeSubrange(left...right)
                return finding
            }
            right += 1
        }
        return nil
    }

    /// Evaluates, for every correlation that fires at window close, the windows whose end is before `limit`.
    private mutating func closeWindows(upTo limit: Int64, into findings: inout [CorrelationFinding]) {
        for planIndex in plans.indices where !plans[planIndex].firesEagerly {
            guard let deadline = windows[planIndex].nextDeadline, deadline < limit else { continue }
            let plan = plans[planIndex]
            let span = plan.rule.timespanMilliseconds
            var produced: [CorrelationFinding] = []
            var nextDeadline: Int64?
            // Only groups whose oldest window has closed change; visiting them in key order keeps findings in order.
            var closing: [String] = []
            for (key, window) in windows[planIndex].groups {
                guard let first = window.occurrences.first else {
                    closing.append(key)  // an empty group is dropped
                    continue
                }
                let deadline = first.time.addingSaturated(span)
                if deadline < limit {
                    closing.append(key)
                } else {
                    nextDeadline = min(nextDeadline ?? deadline, deadline)
                }
            }
            for key in closing.sorted() {
                guard var window = windows[planIndex].groups.removeValue(forKey: key) else { continue }
                while let first = window.occurrences.first, first.time.addingSaturated(span) < limit {
                    let close = first.time.addingSaturated(span)
                    let end = window.occurrences.firstIndex { $0.time > close } ?? window.occurrences.endIndex
                    let slice = window.occurrences[0..<end]
                    if let value = plan.metric(slice), plan.condition.holds(for: value) {
                        produced.append(makeFinding(plan, window.group, slice, value: value))
                    }
                    window.occurrences.removeSubrange(0..<end)
                }
                if let first = window.occurrences.first {
                    let deadline = first.time.addingSaturated(span)
                    nextDeadline = min(nextDeadline ?? deadline, deadline)
                    windows[planIndex].groups[key] = window
                }
            }
            windows[planIndex].nextDeadline = nextDeadline
            for finding in produced {
                findings.append(finding)
                forward(finding, from: planIndex, into: &findings)
            }
        }
    }

    /// Feeds a finding to the correlations that refer to its correlation.
    private mutating func forward(
        _ finding: CorrelationFinding,
        from planIndex: Int,
        into findings: inout [CorrelationFinding]
    ) {
        for target in targetsByCorrelation[planIndex] {
            let plan = plans[target.plan]
            let group = plan.groupPaths[target.slot].enumerated().map { i, path in
                GroupValue(field: plan.rule.groupBy[i], value: finding.groupValue(path.text))
            }
            var texts: [String] = []
            var number: Double?
            if let path = plan.valuePaths[target.slot] {
                if path.text == "value" {
                    number = finding.value
                    texts = [Self.text(.double(finding.value)) ?? ""]
                } else if let text = finding.groupValue(path.text) {
                    texts = [text]
                    number = Self.number(.string(text))
                }
                if plan.rule.type == .valueCount ? texts.isEmpty : number == nil { continue }
            }
            add(
                plan: target.plan,
                slot: target.slot,
                group: group,
                time: finding.windowEndMilliseconds,
                texts: texts,
                number: number,
                evidence: finding.evidence,
                into: &findings
            )
        }
    }

    private func makeFinding(
        _ plan: CorrelationPlan,
        _ group: [GroupValue],
        _ occurrences: ArraySlice<Occurrence>,
        value: Double
    ) -> CorrelationFinding {
        var evidence: [EventReference] = []
        var seen = Set<EventReference>()
        for occurrence in occurrences {
            for reference in occurrence.evidence where seen.insert(reference).inserted { evidence.append(reference) }
        }
        return CorrelationFinding(
            rule: plan.key,
            title: plan.rule.metadata.title,
            level: plan.rule.metadata.level,
            type: plan.rule.type,
            group: group,
            windowStartMilliseconds: occurrences.first?.time ?? 0,
            windowEndMilliseconds: occurrences.last?.time ?? 0,
            value: value,
            evidence: evidence
        )
    }

    /// Drops occurrences of eagerly firing correlations that can no longer be part of a window.
    private mutating func prune() {
        let mark = watermark
        for planIndex in plans.indices where plans[planIndex].firesEagerly {
            let horizon = mark.subtractingSaturated(plans[planIndex].rule.timespanMilliseconds)
            var expired: [String] = []
            for (key, window) in windows[planIndex].groups
            where window.occurrences.first.map({ $0.time < horizon }) ?? true {
                expired.append(key)
            }
            for key in expired {
                guard var window = windows[planIndex].groups.removeValue(forKey: key) else { continue }
                window.occurrences.removeAll { $0.time < horizon }
                if !window.occurrences.isEmpty { windows[planIndex].groups[key] = window }
            }
        }
    }

    /// A field value as group or distinct-count text.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .none, .some(.null): return nil
        case .some(.string(let s)): return s
        case .some(.integer(let i)): return String(i)
        case .some(.double(let d)): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .some(.bool(let b)): return b ? "true" : "false"
        case .some(let other): return String(decoding: CanonicalJSON.encode(other), as: UTF8.self)
        }
    }

    /// The distinct-count texts of a value: each element of a list, or the value itself.
    private static func texts(_ value: JSONValue?) -> [String] {
        if case .some(.array(let elements)) = value { return elements.compactMap { text($0) } }
        return text(value).map { [$0] } ?? []
    }

    /// A value as a number: numbers, and strings that spell a finite number.
    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .some(.integer(let i)): return Double(i)
        case .some(.double(let d)): return d
        case .some(.string(let s)):
            guard let d = Double(s), d.isFinite else { return nil }
            return d
        default: return nil
        }
    }
}

extension Int64 {
    /// The sum, clamped to the representable range (event times come from callers and may be extreme).
    func addingSaturated(_ other: Int64) -> Int64 {
        let (result, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : result
    }

    /// The difference, clamped to the representable range.
    func subtractingSaturated(_ other: Int64) -> Int64 {
        let (result, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other > 0 ? .min : .max) : result
    }
}
