/// One `field|modifiers: values` entry of a selection: the field must match the values as the modifiers say.
public struct FieldCondition: Sendable, Hashable {
    /// The dotted field path (`actor.roles`, `enrichment.subject_in_assigned_case`).
    public var field: String
    /// The modifiers, in the order written.
    public var modifiers: [ValueModifier]
    /// The values; any one must match, or every one with the `all` modifier.
    public var values: [SigmaValue]
    /// Where the entry was written.
    public var location: SourceLocation

    /// Creates a field condition.
    public init(field: String, modifiers: [ValueModifier] = [], values: [SigmaValue], location: SourceLocation) {
        self.field = field
        self.modifiers = modifiers
        self.values = values
        self.location = location
    }
}
