/// A value written in a rule's detection, with the type YAML gave it.
///
/// Sigma treats `123` and `'123'` differently (a number and a string), as pySigma does: a number compares
/// numerically, a string as text with wildcards. Custos is more lenient than SQL backends in one way, documented in
/// ``RuleMatcher``: a number also matches a string field holding the same number, and vice versa.
public enum SigmaValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A string, possibly with `*` and `?` wildcards and `\` escapes.
    case string(String)
    /// An integer.
    case integer(Int64)
    /// A number with a fraction or exponent.
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// `null` (or `~`, or an empty value): the field is absent or null.
    case null

    /// The value as it would be written in a rule.
    public var description: String {
        switch self {
        case .string(let s): s
        case .integer(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        }
    }

    /// The value as a number, when it is one.
    var numericValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}
