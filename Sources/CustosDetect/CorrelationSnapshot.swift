/// The complete state of a ``CorrelationEngine``: open windows per correlation and group, and the stream position.
///
/// It is `Codable`; store it (e.g. as JSON next to the ledger index of the last event processed) and hand it to
/// ``CorrelationEngine/restore(_:)`` after a restart. Feeding the remaining events then yields exactly the findings
/// an uninterrupted run would have produced — none lost, none repeated.
public struct CorrelationSnapshot: Sendable, Hashable, Codable {
    /// The snapshot format version.
    public var version: Int
    /// The latest event time seen (milliseconds since the epoch), if any event was seen.
    public var maximumEventTimeMilliseconds: Int64?
    /// How many events the engine has processed.
    public var eventsProcessed: Int64
    /// The arrival counter that orders simultaneous occurrences.
    var arrivals: Int64
    /// The open windows, keyed by correlation rule reference (id, else name, else title).
    var correlations: [String: CorrelationWindowState]
}

/// The open windows of one correlation rule: the buffered occurrences per group.
struct CorrelationWindowState: Sendable, Hashable, Codable {
    /// Occurrences per group key.
    var groups: [String: GroupWindow] = [:]
    /// The earliest time at which a window of this correlation closes, when it evaluates at window close.
    var nextDeadline: Int64?
}

/// The buffered occurrences of one group, in (time, arrival) order.
struct GroupWindow: Sendable, Hashable, Codable {
    /// The group-by values.
    var group: [GroupValue]
    /// The occurrences, sorted.
    var occurrences: [Occurrence] = []
}

/// One match of a referenced rule (or finding of a referenced correlation) buffered in a window.
struct Occurrence: Sendable, Hashable, Codable {
    /// The event time in milliseconds.
    var time: Int64
    /// The arrival order, to break ties in time.
    var arrival: Int64
    /// Which entry of the correlation's `rules` this occurrence is for.
    var slot: Int
    /// The aggregated field's values as text (for `value_count`); empty when absent.
    var texts: [String]
    /// The aggregated field's value as a number (for `value_sum`, `value_avg`, `value_percentile`).
    var number: Double?
    /// The events behind this occurrence.
    var evidence: [EventReference]
}
