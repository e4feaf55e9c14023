/// A type as declared in a Cedar schema, used for schema-directed JSON parsing and for validation.
public indirect enum SchemaType: Sendable, Hashable {
    /// `Bool`.
    case bool
    /// `Long`.
    case long
    /// `String`.
    case string
    /// An entity of the given fully qualified type.
    case entity(String)
    /// `Set<T>`.
    case set(SchemaType)
    /// A record with the given attributes.
    case record([String: SchemaAttribute])
    /// An extension type: `decimal`, `ipaddr`, `datetime` or `duration`.
    case extensionType(String)
}

/// One attribute of a record or entity type in a schema.
public struct SchemaAttribute: Sendable, Hashable {
    /// The attribute's type.
    public var type: SchemaType
    /// Whether the attribute must be present (`?` in the schema makes it optional).
    public var isRequired: Bool

    /// Creates an attribute declaration.
    public init(type: SchemaType, isRequired: Bool = true) {
        self.type = type
        self.isRequired = isRequired
    }
}
