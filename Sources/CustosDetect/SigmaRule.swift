/// A parsed Sigma detection rule: metadata, log source, named selections and the condition combining them.
///
/// Parse one with ``SigmaParser/parseDocuments(_:file:)`` and compile it with ``RuleMatcher/init(rule:)``.
public struct SigmaRule: Sendable, Hashable {
    /// Title, id, name, level and the rest.
    public var metadata: RuleMetadata
    /// The `logsource` section.
    public var logSource: LogSource
    /// The named selections, in the order written.
    public var selections: [Selection]
    /// The parsed conditions; the rule matches when any does (Sigma allows a list; usually there is one).
    public var conditions: [ConditionExpression]
    /// Where the `condition` was written.
    public var conditionLocation: SourceLocation

    /// Creates a rule.
    public init(
        metadata: RuleMetadata,
        logSource: LogSource = LogSource(),
        selections: [Selection],
        conditions: [ConditionExpression],
        conditionLocation: SourceLocation
    ) {
        self.metadata = metadata
        self.logSource = logSource
        self.selections = selections
        self.conditions = conditions
        self.conditionLocation = conditionLocation
    }
}
