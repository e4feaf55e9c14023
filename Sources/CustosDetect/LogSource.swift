/// A rule's `logsource`: which kind of events it is written for. Custos has one event schema, so the log source is
/// kept for display and filtering, not used in matching.
public struct LogSource: Sendable, Hashable {
    /// The category (`access`, `export`).
    public var category: String?
    /// The product (`custos`).
    public var product: String?
    /// The service (`casebook`).
    public var service: String?
    /// A free-text definition.
    public var definition: String?

    /// Creates a log source.
    public init(category: String? = nil, product: String? = nil, service: String? = nil, definition: String? = nil) {
        self.category = category
        self.product = product
        self.service = service
        self.definition = definition
    }
}
