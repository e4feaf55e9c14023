/// A problem with a rule text: which file, where in it, and what is wrong.
///
/// Parsing never traps on malformed input; every problem becomes one of these. `description` renders it the way
/// compilers do (`file.yml:12:5: message`), so a rule author can jump to the spot.
public struct RuleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name of the rule file, as the caller gave it.
    public var file: String
    /// The 1-based line the problem is on, when known.
    public var line: Int?
    /// The 1-based column the problem is at, when known.
    public var column: Int?
    /// What is wrong, in words.
    public var message: String

    /// Creates an error for a file position.
    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// The error as `file:line:column: message`.
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(message)"
    }
}

/// Where a rule element was written: a file name and a 1-based line and column.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The name of the rule file.
    public var file: String
    /// The 1-based line, or 0 when unknown.
    public var line: Int
    /// The 1-based column, or 0 when unknown.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The location as `file:line:column`.
    public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }

    /// An error at this location.
    func error(_ message: String) -> RuleError {
        RuleError(file: file, line: line > 0 ? line : nil, column: column > 0 ? column : nil, message: message)
    }
}
