/// One YAML document of a rule file: a detection rule or a correlation rule.
public enum SigmaDocument: Sendable, Hashable {
    /// A detection rule.
    case rule(SigmaRule)
    /// A correlation rule.
    case correlation(CorrelationRule)

    /// The document's metadata.
    public var metadata: RuleMetadata {
        switch self {
        case .rule(let r): r.metadata
        case .correlation(let c): c.metadata
        }
    }
}
