/// One reason an input was refused: where (the event's index in its batch and the field path) and why.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The 0-based index of the event in its batch, or nil for a problem with the batch as a whole.
    public var index: Int?
    /// The field path in dotted form with array indexes (`actor.id`, `subjects[3]`); empty for the whole event.
    public var path: String
    /// Why the value was refused, in words.
    public var reason: String

    /// Creates an issue.
    public init(index: Int? = nil, path: String, reason: String) {
        self.index = index
        self.path = path
        self.reason = reason
    }

    /// "event 3: actor.id: must not be empty".
    public var description: String {
        var s = ""
        if let index { s += "event \(index): " }
        if !path.isEmpty { s += "\(path): " }
        return s + reason
    }
}
