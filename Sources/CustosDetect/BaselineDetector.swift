import CustosCore

/// Behavioural baselines for what fixed thresholds cannot see: per-user rolling baselines (median and MAD over the
/// active days of a window, in the user's local days) of rows exported, distinct subjects and searches per hour,
/// compared also with the user's peer group (same role and org unit); an unusual-hour detector; first-seen
/// detectors (device, network, dataset); and dormancy (the first activity after a long silence, using the
/// directory's `last_activity` when the log does not reach back far enough).
///
/// Baselines and first-seen detectors stay silent until the user has `minimumActiveDays` active days in the window
/// (their warm-up); dormancy needs no history. Each measure and the unusual-hour detector report at most once per
/// user and local day; each first-seen value once. Findings have rule ids `baseline.daily_rows`,
/// `baseline.daily_subjects`, `baseline.hourly_searches`, `baseline.active_hours`, `baseline.new_device`,
/// `baseline.new_network`, `baseline.new_dataset`, `baseline.dormancy`, and explanations with the numbers.
///
/// Events should arrive in time order per user; an event older than the user's current day still feeds first-seen
/// detection but not the daily measures.
///
/// ```swift
/// var detector = BaselineDetector(configuration: config, directory: BaselineDirectory(entities: entities))
/// for event in events { findings += detector.process(event) }
/// let state = detector.snapshot()           // persist; later: detector.restore(state)
/// ```
public struct BaselineDetector: Sendable {
    /// The thresholds.
    public let configuration: BaselineConfiguration
    /// The directory facts (peer groups, time zones, last activity, registered devices).
    public var directory: BaselineDirectory
    private var users: [String: UserBaseline] = [:]
    private var processed: Int64 = 0

    /// Creates a detector with no history.
    public init(configuration: BaselineConfiguration = .init(), directory: BaselineDirectory = .init()) {
        self.configuration = configuration
        self.directory = directory
    }

    /// Users with state.
    public var userCount: Int { users.count }

    /// An honest estimate of the memory the per-user state holds, in bytes (dictionary slots, keys, histories,
    /// today's subject sets and first-seen values).
    public var stateBytes: Int {
        users.reduce(64) { total, entry in
            total + entry.value.estimatedBytes + MemoryLayout<String>.stride + 16
                + (entry.key.utf8.count > 15 ? entry.key.utf8.count + 32 : 0)
        }
    }

    /// The state, to persist and ``restore(_:)`` after a restart.
    public func snapshot() -> BaselineSnapshot { BaselineSnapshot(users: users, processedEventCount: processed) }

    /// Resumes from a snapshot.
    public mutating func restore(_ snapshot: BaselineSnapshot) {
        users = snapshot.users
        processed = snapshot.processedEventCount
    }

    private static let dayMilliseconds: Int64 = 86_400_000
    private static let hourMilliseconds: Int64 = 3_600_000
    private static let activeHoursBit: UInt32 = 1 << 8

    /// Processes one event; returns the baseline findings it produces.
    public mutating func process(_ event: DetectionEvent) -> [Finding] {
        defer { processed += 1 }
        guard let actorObject = event.fields["actor"]?.objectValue, let actor = actorObject["id"]?.stringValue else {
            return []
        }
        let entry = directory.users[actor]
        if configuration.excludeServiceAccounts && entry?.isService == true { return [] }
        let time = event.time.millisecondsSinceEpoch
        let local = time + (entry?.offsetMinutes ?? 0) * 60_000
        let day = Self.floorDivide(local, Self.dayMilliseconds)
        let reference = EventReference(index: event.seq ?? processed, id: event.id)
        var findings: [Finding] = []
        func report(_ rule: String, _ title: String, _ level: String, _ value: Double, _ since: Int64, _ text: String) {
            findings.append(
                Finding(
                    kind: .baseline,
                    rule: rule,
                    title: title,
                    level: level,
                    correlationType: nil,
                    group: [GroupValue(field: "actor.id", value: actor)],
                    windowStartMilliseconds: min(since, time),
                    windowEndMilliseconds: time,
                    value: value,
                    evidence: [reference],
                    explanation: text
                )
            )
        }

        var state: UserBaseline
        if let existing = users[actor] {
            state = existing
            if day > state.day {
                if configuration.dormancy.enabled, day - state.day >= Int64(configuration.dormancyDays) {
                    report(
                        "baseline.dormancy",
                        "Dormant account active again",
                        configuration.dormancy.level,
                        Double(day - state.day),
                        time,
                        "\(actor) active again after \(day - state.day) days without activity (last active "
                            + "\(Self.date(state.day)), threshold \(configuration.dormancyDays) days)"
                    )
                }
                state.roll(to: day, windowDays: configuration.windowDays)
            }
        } else {
            state = UserBaseline(day: day)
            if configuration.dormancy.enabled, let last = entry?.lastActivityDay,
                day - last >= Int64(configuration.dormancyDays)
            {
                report(
                    "baseline.dormancy",
                    "Dormant account active again",
                    configuration.dormancy.level,
                    Double(day - last),
                    time,
                    "\(actor) active after \(day - last) days without activity (directory last_activity "
                        + "\(Self.date(last)), threshold \(configuration.dormancyDays) days)"
                )
            }
        }
        let warmedUp = state.history.count >= configuration.minimumActiveDays
        let fields = event.fields

        // First-seen values (also for late events).
        let values: [(FirstSeenKind, String?)] = [
            (.device, actorObject["device"]?.stringValue),
            (.network, actorObject["ip"]?.stringValue.flatMap(NetworkPrefix.of)),
            (.dataset, fields["resource"]?.objectValue?["dataset"]?.stringValue),
        ]
        for (kind, value) in values {
            guard let value else { continue }
            var known = state.seen[kind] ?? [:]
            let registered =
                kind == .device
                ? entry?.devices.contains(value) == true
                : kind == .network ? entry?.networks.contains(value) == true : false
            if known[value] == nil && !registered, warmedUp, let detector = configuration.firstSeen[kind],
                detector.enabled
            {
                let what: String
                switch kind {
                case .device: what = "device \(value)"
                case .network: what = "network \(value) (from \(actorObject["ip"]?.stringValue ?? "?"))"
                case .dataset: what = "dataset \(value)"
                }
                report(
                    kind.ruleID,
                    "First use of a \(kind.rawValue)",
                    detector.level,
                    1,
                    time,
                    "\(actor) used \(what) for the first time in \(state.history.count) active days"
                        + (kind == .dataset ? "" : "; not registered to them in the directory")
                )
            }
            known[value] = max(known[value] ?? day, day)
            if known.count > configuration.firstSeenCapacity,
                let oldest = known.min(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) })
            {
                known[oldest.key] = nil
            }
            state.seen[kind] = known
        }

        if day == state.day {
            let hour = Self.floorDivide(local, Self.hourMilliseconds)
            let hourOfDay = Int(hour - day * 24)
            // Unusual hour: no active day of the window was active within the margin of this hour.
            if warmedUp, configuration.activeHours.enabled, state.reported & Self.activeHoursBit == 0 {
                let margin = configuration.activeHoursMargin
                let neighbourhood: UInt32 = (-margin...margin).reduce(0) {
                    $0 | (1 << UInt32((hourOfDay + $1 + 48) % 24))
                }
                let usual = state.history.reduce(UInt32(0)) { $0 | $1.hours }
                if usual & neighbourhood == 0 {
                    state.reported |= Self.activeHoursBit
                    let days = state.history.count
                    report(
                        "baseline.active_hours",
                        "Activity at an unusual hour",
                        configuration.activeHours.level,
                        Double(hourOfDay),
                        time,
                        "\(actor) active at \(Self.twoDigits(hourOfDay)):00–\(Self.twoDigits(hourOfDay)):59 local time; "
                            + "on none of their last \(days) active days were they active within \(margin) "
                            + "hour\(margin == 1 ? "" : "s") of it "
                            + "(usual hours \(Self.hoursText(usual)))"
                    )
                }
            }
            state.hours |= 1 << UInt32(hourOfDay)
            let action = fields["action"]?.stringValue
            var changed: [BaselineMeasure] = []
            if action == "export", case .integer(let rows)? = fields["rows"], rows > 0 {
                if state.rows == 0 { state.rowsSince = time }
                state.rows += rows
                changed.append(.dailyRows)
            }
            let subjects = (fields["subjects"]?.arrayValue ?? []).compactMap(\.stringValue)
            if !subjects.isEmpty {
                if state.subjects.isEmpty { state.subjectsSince = time }
                let before = state.subjects.count
                state.subjects.formUnion(subjects)
                if state.subjects.count > before { changed.append(.dailySubjects) }
            }
            if action == "search" {
                if hour != state.hour {
                    state.busiestHour = max(state.busiestHour, state.hourSearches)
                    state.hour = hour
                    state.hourSearches = 0
                    state.hourSince = time
                }
                state.hourSearches += 1
                changed.append(.hourlySearches)
            }
            if warmedUp {
                for measure in changed {
                    if let finding = evaluate(measure, state: &state, actor: actor, entry: entry, day: day, time: time)
                    {
                        report(measure.ruleID, finding.title, finding.level, finding.value, finding.since, finding.text)
                    }
                }
            }
        }
        users[actor] = state
        return findings
    }

    private struct Unusual {
        var title: String
        var level: String
        var value: Double
        var since: Int64
        var text: String
    }

    private func evaluate(
        _ measure: BaselineMeasure,
        state: inout UserBaseline,
        actor: String,
        entry: BaselineDirectory.Entry?,
        day: Int64,
        time: Int64
    ) -> Unusual? {
        guard let thresholds = configuration.measures[measure], thresholds.enabled else { return nil }
        let bit = UInt32(1) << UInt32(BaselineMeasure.allCases.firstIndex(of: measure)!)
        guard state.reported & bit == 0 else { return nil }
        let value: Double
        let since: Int64
        switch measure {
        case .dailyRows: (value, since) = (Double(state.rows), state.rowsSince)
        case .dailySubjects: (value, since) = (Double(state.subjects.count), state.subjectsSince)
        case .hourlySearches: (value, since) = (Double(state.hourSearches), state.hourSince)
        }
        guard value >= thresholds.minimum else { return nil }
        let history = state.history.map { $0.value(measure) }
        let median = RobustStatistics.median(history)
        let mad = RobustStatistics.medianAbsoluteDeviation(history)
        guard value >= thresholds.ratio * max(median, 1), value > median + thresholds.madMultiplier * 1.4826 * mad
        else { return nil }
        var peerText = ""
        if let group = entry?.peerGroup, let members = directory.peerGroups[group] {
            var peerValues: [Double] = []
            var peers = 0
            for member in members where member != actor {
                guard let other = users[member], other.history.count >= configuration.minimumActiveDays else {
                    continue
                }
                peers += 1
                for past in other.history where past.day > day - Int64(configuration.windowDays) {
                    peerValues.append(past.value(measure))
                }
            }
            if peers >= configuration.minimumPeers {
                let p = RobustStatistics.percentile(peerValues, configuration.peerPercentile)
                guard value > p else { return nil }
                peerText =
                    "; peers' (\(group.replacingFirstSlash), \(peers) users) "
                    + "\(FindingExplanation.number(configuration.peerPercentile))th percentile is "
                    + FindingExplanation.number(p)
            }
        }
        state.reported |= bit
        let what: String
        let title: String
        switch measure {
        case .dailyRows:
            title = "Unusual volume exported"
            what = "exported \(FindingExplanation.number(value)) rows"
        case .dailySubjects:
            title = "Unusually many people accessed"
            what = "accessed \(FindingExplanation.number(value)) distinct subjects"
        case .hourlySearches:
            title = "Unusually many searches in an hour"
            what = "ran \(FindingExplanation.number(value)) searches"
        }
        let ratio = value / max(median, 1)
        let ratioText = median >= 1 ? "\(FindingExplanation.number(ratio.rounded()))× their" : "their"
        return Unusual(
            title: title,
            level: thresholds.level,
            value: value,
            since: since,
            text:
                "\(actor) \(what) "
                + (time > since ? "in \(FindingExplanation.durationText(time - since))" : "at once")
                + " (local day \(Self.date(day))); \(ratioText) "
                + "\(configuration.windowDays)-day median of \(FindingExplanation.number(median)) "
                + "(MAD \(FindingExplanation.number(mad)), \(history.count) active days)\(peerText)"
        )
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    static func date(_ day: Int64) -> String {
        String(Timestamp(millisecondsSinceEpoch: day * dayMilliseconds).rfc3339.prefix(10))
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// The active hours as ranges: "07:00–17:59", "00:00–06:59, 21:00–23:59".
    static func hoursText(_ mask: UInt32) -> String {
        var ranges: [String] = []
        var hour = 0
        while hour < 24 {
            guard mask & (1 << UInt32(hour)) != 0 else {
                hour += 1
                continue
            }
            let first = hour
            while hour < 24 && mask & (1 << UInt32(hour)) != 0 { hour += 1 }
            ranges.append("\(twoDigits(first)):00–\(twoDigits(hour - 1)):59")
        }
        return ranges.isEmpty ? "none" : ranges.joined(separator: ", ")
    }
}

extension String {
    fileprivate var replacingFirstSlash: String {
        guard let slash = firstIndex(of: "/") else { return self }
        return self[..<slash] + " in " + self[index(after: slash)...]
    }
}
