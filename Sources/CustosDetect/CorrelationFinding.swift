public import CustosCore

/// What a correlation rule found: which rule, for which group, in which window, the computed value, and the events
/// that contributed to it.
public struct CorrelationFinding: Sendable, Hashable, Codable {
    /// The correlation rule's id, else its name, else its title.
    public var rule: String
    /// The correlation rule's title.
    public var title: String
    /// The correlation rule's level, if set.
    public var level: String?
    /// The correlation type.
    public var type: CorrelationType
    /// The group this finding is about, one value per `group-by` field.
    public var group: [GroupValue]
    /// The time of the earliest contributing event (milliseconds since the epoch).
    public var windowStartMilliseconds: Int64
    /// The time of the latest contributing event (milliseconds since the epoch).
    public var windowEndMilliseconds: Int64
    /// The computed value: the count, distinct count, sum, average or percentile; for temporal types the number of
    /// referenced rules that matched (in order, for `temporal_ordered`).
    public var value: Double
    /// The contributing events, in event-time order.
    public var evidence: [EventReference]

    /// Creates a finding.
    public init(
        rule: String,
        title: String,
        level: String?,
        type: CorrelationType,
        group: [GroupValue],
        windowStartMilliseconds: Int64,
        windowEndMilliseconds: Int64,
        value: Double,
        evidence: [EventReference]
    ) {
        self.rule = rule
        self.title = title
        self.level = level
        self.type = type
        self.group = group
        self.windowStartMilliseconds = windowStartMilliseconds
        self.windowEndMilliseconds = windowEndMilliseconds
        self.value = value
        self.evidence = evidence
    }

    /// The time of the earliest contributing event.
    public var windowStart: Timestamp { Timestamp(millisecondsSinceEpoch: windowStartMilliseconds) }
    /// The time of the latest contributing event.
    public var windowEnd: Timestamp { Timestamp(millisecondsSinceEpoch: windowEndMilliseconds) }

    /// The value of one group-by field, if the group has it.
    public func groupValue(_ field: String) -> String? {
        group.first { $0.field == field }?.value
    }
}
