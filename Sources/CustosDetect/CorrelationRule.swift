/// A parsed Sigma correlation rule: which rules it relates, how events are grouped, the time span and condition.
public struct CorrelationRule: Sendable, Hashable {
    /// Title, id, name, level and the rest.
    public var metadata: RuleMetadata
    /// The correlation type.
    public var type: CorrelationType
    /// The referenced rules, by id or name, in the order written (the order matters for `temporal_ordered`).
    public var rules: [String]
    /// The fields (or aliases) whose values define a group; empty means one group for everything.
    public var groupBy: [String]
    /// The window length in milliseconds.
    public var timespanMilliseconds: Int64
    /// When the correlation fires. For `temporal` types without a condition: all referenced rules must match.
    public var condition: CorrelationCondition?
    /// Field-name aliases: alias → (rule name or id → field in that rule's events).
    public var aliases: [String: [String: String]]
    /// Whether the referenced rules also produce findings of their own (`generate: true`).
    public var generate: Bool

    /// Creates a correlation rule.
    public init(
        metadata: RuleMetadata,
        type: CorrelationType,
        rules: [String],
        groupBy: [String],
        timespanMilliseconds: Int64,
        condition: CorrelationCondition?,
        aliases: [String: [String: String]] = [:],
        generate: Bool = false
    ) {
        self.metadata = metadata
        self.type = type
        self.rules = rules
        self.groupBy = groupBy
        self.timespanMilliseconds = timespanMilliseconds
        self.condition = condition
        self.aliases = aliases
        self.generate = generate
    }
}
