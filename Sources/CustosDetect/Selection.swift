/// A named search identifier of a rule's `detection` section.
///
/// A YAML map is one alternative whose field conditions must all hold; a list of maps is several alternatives of
/// which one must hold.
public struct Selection: Sendable, Hashable {
    /// The name the condition refers to (`selection`, `filter_admins`).
    public var name: String
    /// The alternatives: the selection matches when every condition of at least one alternative holds.
    public var alternatives: [[FieldCondition]]
    /// Where the selection was written.
    public var location: SourceLocation

    /// Creates a selection.
    public init(name: String, alternatives: [[FieldCondition]], location: SourceLocation) {
        self.name = name
        self.alternatives = alternatives
        self.location = location
    }
}
