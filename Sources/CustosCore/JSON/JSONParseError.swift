/// Why a JSON text could not be parsed, with the place it went wrong.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason, in words ("expected ',' or '}'", "duplicate member \"time\"", …).
    public var reason: String
    /// The byte offset in the input where the problem was found.
    public var offset: Int
    /// The 1-based line of `offset`.
    public var line: Int
    /// The 1-based column (in bytes) of `offset`.
    public var column: Int

    /// Creates an error at a given place.
    public init(reason: String, offset: Int, line: Int, column: Int) {
        self.reason = reason
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// "line L, column C: reason".
    public var description: String { "line \(line), column \(column): \(reason)" }
}
