/// Why policy, schema or template text could not be parsed.
public struct PolicyParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem was found.
    public var location: SourceLocation
    /// What went wrong, in words.
    public var reason: String
    /// The id of the policy being parsed, when known.
    public var policyID: String?

    /// Creates a parse error.
    public init(location: SourceLocation, reason: String, policyID: String? = nil) {
        self.location = location
        self.reason = reason
        self.policyID = policyID
    }

    /// "policy P, line:column: reason".
    public var description: String {
        if let policyID { return "policy \(policyID), \(location): \(reason)" }
        return "\(location): \(reason)"
    }
}

/// Why an expression could not be evaluated (type error, missing attribute, overflow, extension failure…).
///
/// An evaluation error makes the policy being evaluated not apply; the authorizer reports it with the policy id.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broad kind of failure.
    public enum Kind: String, Sendable, Hashable {
        /// An operand had the wrong type.
        case typeError
        /// A record or entity lacks the attribute or tag asked for.
        case missingAttribute
        /// An entity that is dereferenced does not exist.
        case missingEntity
        /// Long arithmetic overflowed 64 bits.
        case overflow
        /// An extension function rejected its arguments.
        case extensionError
        /// A template slot was not linked.
        case unlinkedSlot
        /// The expression nests too deeply to evaluate.
        case tooDeep
    }

    /// The broad kind of failure.
    public var kind: Kind
    /// What went wrong, in words.
    public var reason: String
    /// Where in the policy text the failing expression starts, when known.
    public var location: SourceLocation?

    /// Creates an evaluation error.
    public init(_ kind: Kind, _ reason: String, location: SourceLocation? = nil) {
        self.kind = kind
        self.reason = reason
        self.location = location
    }

    /// "line:column: reason" (or just the reason).
    public var description: String {
        if let location { return "\(location): \(reason)" }
        return reason
    }
}

/// Why entities, a request or a context could not be read from JSON.
public struct DataFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the document the problem is (a path such as `entities[3].attrs.age`).
    public var path: String
    /// What went wrong, in words.
    public var reason: String

    /// Creates a data-format error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// "path: reason".
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}
