/// A dotted field path (`actor.roles`, `purpose.case`, `enrichment.subject_in_assigned_case`), split once.
public struct FieldPath: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The path as written.
    public let text: String
    /// The components between the dots.
    let components: [String]

    /// Creates a path from its dotted text.
    public init(_ text: String) {
        self.text = text
        self.components = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// The path as written.
    public var description: String { text }

    /// Creates a path from its dotted text (Codable as a plain string).
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the path as a plain string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
