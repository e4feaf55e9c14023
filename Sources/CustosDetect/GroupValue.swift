/// One group-by field of a finding and the value the group has for it.
public struct GroupValue: Sendable, Hashable, Codable {
    /// The group-by field (or alias) name.
    public var field: String
    /// The value as text (strings as they are, numbers in decimal, lists as canonical JSON); nil when absent.
    public var value: String?

    /// Creates a group value.
    public init(field: String, value: String?) {
        self.field = field
        self.value = value
    }
}
