/// The kind of a Sigma correlation rule (specification 2.1).
public enum CorrelationType: String, Sendable, Hashable, Codable, CaseIterable {
    /// How many matching events occur in the timespan.
    case eventCount = "event_count"
    /// How many distinct values of a field occur.
    case valueCount = "value_count"
    /// The sum of a numeric field.
    case valueSum = "value_sum"
    /// The average of a numeric field.
    case valueAverage = "value_avg"
    /// A percentile of a numeric field (`percentile` in the condition; 50 is the median).
    case valuePercentile = "value_percentile"
    /// How many of the referenced rules match, in any order.
    case temporal
    /// Whether the referenced rules match in the order listed.
    case temporalOrdered = "temporal_ordered"

    /// Whether the type aggregates a field named in the condition.
    var needsField: Bool {
        switch self {
        case .valueCount, .valueSum, .valueAverage, .valuePercentile: true
        default: false
        }
    }
}
