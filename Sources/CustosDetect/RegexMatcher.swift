/// A compiled `re` value: a Swift regular expression searched for anywhere in the field, as pySigma's backends do.
///
/// Guards against catastrophic inputs: patterns are limited to ``ModifierValidation/maximumRegexLength``
/// characters at parse time and values longer than ``maximumValueLength`` never match (Swift's regex engine
/// backtracks, so the cost of a bad pattern grows with the input).
struct RegexMatcher: @unchecked Sendable {
    // `Regex` is immutable once built; matching from several tasks at once is safe.

    /// The longest field value a regular expression is run on, in UTF-8 bytes.
    static let maximumValueLength = 4_096

    /// The pattern as written.
    let pattern: String
    private let regex: Regex<AnyRegexOutput>

    /// Compiles a pattern with the flags among the modifiers (`i`, `m`, `s`); nil when it does not compile.
    init?(_ pattern: String, modifiers: Set<ValueModifier>) {
        guard var regex = try? Regex(pattern) else { return nil }
        if modifiers.contains(.i) { regex = regex.ignoresCase() }
        if modifiers.contains(.m) { regex = regex.anchorsMatchLineEndings() }
        if modifiers.contains(.s) { regex = regex.dotMatchesNewlines() }
        self.pattern = pattern
        self.regex = regex
    }

    /// Why a pattern does not compile, or nil when it does.
    static func compileProblem(_ pattern: String, modifiers: Set<ValueModifier>) -> String? {
        do {
            _ = try Regex(pattern)
            return nil
        } catch {
            return "'\(pattern)' is not a valid regular expression (\(error))"
        }
    }

    /// Whether the pattern occurs in the value.
    func matches(_ value: String) -> Bool {
        guard value.utf8.count <= Self.maximumValueLength else { return false }
        return (try? regex.firstMatch(in: value)) != nil
    }
}
