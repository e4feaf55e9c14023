/// What every Sigma document (detection or correlation) says about itself: names, status, level, tags.
public struct RuleMetadata: Sendable, Hashable {
    /// The title (mandatory).
    public var title: String
    /// The globally unique id, usually a UUID.
    public var id: String?
    /// The name other rules use to refer to this one (unique in a rule set).
    public var name: String?
    /// `stable`, `test`, `experimental`, `deprecated` or `unsupported`.
    public var status: String?
    /// What the rule detects.
    public var description: String?
    /// Who wrote it.
    public var author: String?
    /// `informational`, `low`, `medium`, `high` or `critical`.
    public var level: String?
    /// Tags (`attack.t1530`, `custos.bulk_export`).
    public var tags: [String]
    /// Known false positives.
    public var falsePositives: [String]
    /// A plain-language template for findings (Custos extension, top-level key `explanation`), with placeholders
    /// `{value}`, `{count}`, `{duration}`, `{title}` and `{<group-by field>}`: `exported {value} rows of
    /// {resource.dataset} in {duration}`.
    public var explanation: String?
    /// Where the document starts.
    public var location: SourceLocation

    /// Creates metadata.
    public init(
        title: String,
        id: String? = nil,
        name: String? = nil,
        status: String? = nil,
        description: String? = nil,
        author: String? = nil,
        level: String? = nil,
        tags: [String] = [],
        falsePositives: [String] = [],
        explanation: String? = nil,
        location: SourceLocation
    ) {
        self.title = title
        self.id = id
        self.name = name
        self.status = status
        self.description = description
        self.author = author
        self.level = level
        self.tags = tags
        self.falsePositives = falsePositives
        self.explanation = explanation
        self.location = location
    }

    /// The id, else the name, else the title: how findings and errors name the rule.
    public var reference: String { id ?? name ?? title }
}
