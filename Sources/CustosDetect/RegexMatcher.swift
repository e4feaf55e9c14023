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

    /// Why a pattern does not compile or is unsafe to run, or nil when it is fine.
    static func compileProblem(_ pattern: String, modifiers: Set<ValueModifier>) -> String? {
        if hasNestedQuantifier(pattern) {
            return "'\(pattern)' repeats a group that itself repeats (as in '(a+)+'), which can take exponential "
                + "time; rewrite it without nested quantifiers"
        }
        do {
            _ = try Regex(pattern)
            return nil
        } catch {
            return "'\(pattern)' is not a valid regular expression (\(error))"
        }
    }

    /// Whether a quantified group contains a quantifier: the classic shape of catastrophic backtracking.
    static func hasNestedQuantifier(_ pattern: String) -> Bool {
        let characters = Array(pattern)
        var groupHasQuantifier: [Bool] = [false]
        var i = 0
        func isQuantifier(at j: Int) -> Bool {
            j < characters.count && (characters[j] == "*" || characters[j] == "+" || characters[j] == "{")
        }
        while i < characters.count {
            switch characters[i] {
            case "\\":
                i += 2
                continue
            case "[":
                i += 1
                if i < characters.count && characters[i] == "^" { i += 1 }
                if i < characters.count && characters[i] == "]" { i += 1 }
                while i < characters.count && characters[i] != "]" { i += characters[i] == "\\" ? 2 : 1 }
            case "(":
                groupHasQuantifier.append(false)
            case ")":
                let inner = groupHasQuantifier.count > 1 ? groupHasQuantifier.removeLast() : false
                if isQuantifier(at: i + 1) {
                    if inner { return true }
                    groupHasQuantifier[groupHasQuantifier.count - 1] = true
                } else if inner {
                    groupHasQuantifier[groupHasQuantifier.count - 1] = true
                }
            case "*", "+", "{":
                groupHasQuantifier[groupHasQuantifier.count - 1] = true
            default:
                break
            }
            i += 1
        }
        return false
    }

    /// Whether the pattern occurs in the value.
    func matches(_ value: String) -> Bool {
        guard value.utf8.count <= Self.maximumValueLength else { return false }
        return (try? regex.firstMatch(in: value)) != nil
    }
}
