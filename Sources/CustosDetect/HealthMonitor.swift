import CustosCore

/// Health rules over the event stream itself (`rules/health.yml`): a source — an `app` — that goes silent.
///
/// Per app, the monitor learns the typical gap between its events in event time (the median of its most recent
/// gaps) and the longest ordinary gap of each of the last `history_days` days (its nights; reported silences do not
/// count). When any event arrives whose time is more than the app's silence threshold — the largest of
/// `minimum_silence_minutes`, `gap_multiplier` × its median gap and `longest_gap_multiplier` × the median of its
/// daily longest gaps — after the app's last event, it reports `health.source_silent`
/// once for that silence: "casebook sent nothing for 3 h 10 min (usual gap 40 s)". An app is judged only after its
/// warm-up (`warm_up_events` events over at least `warm_up_days` days), and sources are checked at most once a minute
/// of event time (or whenever event time falls back by more than a minute).
/// The finding is about the system, not a person: its group is `actor.id` custos and `app`, its evidence the app's
/// last event before the silence and the event that revealed it.
///
/// ```swift
/// var monitor = HealthMonitor(configuration: config)
/// for event in events { findings += monitor.process(event) }
/// let state = monitor.snapshot()           // persist; later: monitor.restore(state)
/// ```
public struct HealthMonitor: Sendable {
    /// The thresholds.
    public let configuration: HealthConfiguration
    private var sources: [String: SourceHealth] = [:]
    private var nextCheck = Int64.min
    private var processed: Int64 = 0

    /// The rule id of a silence finding.
    public static let silentRule = "health.source_silent"
    /// How often (in event time) the sources are checked.
    static let checkEveryMilliseconds: Int64 = 60_000

    /// Creates a monitor with no history.
    public init(configuration: HealthConfiguration = .init()) {
        self.configuration = configuration
    }

    /// Sources (apps) with state.
    public var sourceCount: Int { sources.count }

    /// The state, to persist and ``restore(_:)`` after a restart.
    public func snapshot() -> HealthSnapshot {
        HealthSnapshot(sources: sources, nextCheckMilliseconds: nextCheck, processedEventCount: processed)
    }

    /// Resumes from a snapshot.
    public mutating func restore(_ snapshot: HealthSnapshot) {
        sources = snapshot.sources
        nextCheck = snapshot.nextCheckMilliseconds
        processed = snapshot.processedEventCount
    }

    /// Processes one event; returns the silences it reveals.
    public mutating func process(_ event: DetectionEvent) -> [Finding] {
        defer { processed += 1 }
        guard configuration.enabled else { return [] }
        let time = event.time.millisecondsSinceEpoch
        let reference = EventReference(index: event.seq ?? processed, id: event.id)
        var findings: [Finding] = []
        if let app = event.fields["app"]?.stringValue, isWatched(app) {
            if var source = sources[app] {
                // The app's own return ends its silence: judge it before taking the event in.
                if let finding = silence(app, &source, time: time, revealedBy: reference) { findings.append(finding) }
                source.observe(time: time, event: reference, historyDays: configuration.historyDays)
                sources[app] = source
            } else {
                sources[app] = SourceHealth(time: time, event: reference)
            }
        }
        // Checked when event time passes the next check, or falls back behind it (sources whose clocks differ, or
        // Custos's own events at wall-clock time among replayed older ones).
        guard time >= nextCheck || time < nextCheck - Self.checkEveryMilliseconds else { return findings }
        nextCheck = time + Self.checkEveryMilliseconds
        for app in sources.keys.sorted() {
            guard var source = sources[app] else { continue }
            if let finding = silence(app, &source, time: time, revealedBy: reference) {
                sources[app] = source
                findings.append(finding)
            }
        }
        return findings
    }

    /// The finding for `app`'s silence up to `time`, once per silence; nil while it is within its threshold.
    private func silence(
        _ app: String,
        _ source: inout SourceHealth,
        time: Int64,
        revealedBy reference: EventReference
    ) -> Finding? {
        guard !source.reported, source.events >= configuration.warmUpEvents,
            source.lastMilliseconds - source.firstMilliseconds >= Int64(configuration.warmUpDays) * 86_400_000,
            let median = source.medianGap
        else { return nil }
        let silence = time - source.lastMilliseconds
        let threshold = max(
            Int64(configuration.minimumSilenceMinutes) * 60_000,
            Int64((Double(median) * configuration.gapMultiplier).rounded(.up)),
            Int64((Double(source.typicalDailyLongestGap) * configuration.longestGapMultiplier).rounded(.up))
        )
        guard silence > threshold else { return nil }
        source.reported = true
        return Finding(
            kind: .health,
            rule: Self.silentRule,
            title: "A source went silent",
            level: configuration.level,
            correlationType: nil,
            group: [GroupValue(field: "actor.id", value: "custos"), GroupValue(field: "app", value: app)],
            windowStartMilliseconds: source.lastMilliseconds,
            windowEndMilliseconds: time,
            value: Double(silence) / 1000,
            evidence: [source.lastEvent, reference],
            explanation: "\(app) sent nothing for \(Self.duration(silence)) (usual gap \(Self.duration(median)))"
        )
    }

    private func isWatched(_ app: String) -> Bool {
        (configuration.apps.isEmpty || configuration.apps.contains(app)) && !configuration.ignoredApps.contains(app)
    }

    /// A duration for people: "40 s", "12 min", "3 h 10 min", "2 d 4 h".
    static func duration(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        if seconds < 60 { return "\(seconds) s" }
        let minutes = seconds / 60
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60
        if hours < 48 { return minutes % 60 == 0 ? "\(hours) h" : "\(hours) h \(minutes % 60) min" }
        return hours % 24 == 0 ? "\(hours / 24) d" : "\(hours / 24) d \(hours % 24) h"
    }
}
