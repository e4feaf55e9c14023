public import CustosCore

/// A detection result the ``DetectionEngine`` reports: a detection rule matching one event, or a correlation rule
/// firing over several, with a plain-language explanation.
public struct Finding: Sendable, Hashable, Codable {
    /// Whether a single event matched a detection rule or a correlation fired.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A detection rule matched one event.
        case match
        /// A correlation rule fired.
        case correlation
        /// A behavioural baseline, first-seen or dormancy detector reported (``BaselineDetector``).
        case baseline
        /// A health rule reported on the event stream itself (``HealthMonitor``).
        case health
    }

    /// Match or correlation.
    public var kind: Kind
    /// The rule's id, else name, else title.
    public var rule: String
    /// The rule's title.
    public var title: String
    /// The rule's level, if set.
    public var level: String?
    /// The correlation type, for correlation findings.
    public var correlationType: CorrelationType?
    /// The group-by values, for correlation findings.
    public var group: [GroupValue]
    /// The time of the earliest contributing event (milliseconds since the epoch).
    public var windowStartMilliseconds: Int64
    /// The time of the latest contributing event (milliseconds since the epoch).
    public var windowEndMilliseconds: Int64
    /// The computed value (1 for a match).
    public var value: Double
    /// The contributing events.
    public var evidence: [EventReference]
    /// What happened, in words: "exported 48,200 rows of persons in 20 minutes".
    public var explanation: String

    /// Creates a finding.
    public init(
        kind: Kind,
        rule: String,
        title: String,
        level: String?,
        correlationType: CorrelationType?,
        group: [GroupValue],
        windowStartMilliseconds: Int64,
        windowEndMilliseconds: Int64,
        value: Double,
        evidence: [EventReference],
        explanation: String
    ) {
        self.kind = kind
        self.rule = rule
        self.title = title
        self.level = level
        self.correlationType = correlationType
        self.group = group
        self.windowStartMilliseconds = windowStartMilliseconds
        self.windowEndMilliseconds = windowEndMilliseconds
        self.value = value
        self.evidence = evidence
        self.explanation = explanation
    }

    /// The time of the earliest contributing event.
    public var windowStart: Timestamp { Timestamp(millisecondsSinceEpoch: windowStartMilliseconds) }
    /// The time of the latest contributing event.
    public var windowEnd: Timestamp { Timestamp(millisecondsSinceEpoch: windowEndMilliseconds) }
}
