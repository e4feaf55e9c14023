/// A Sigma value modifier: the words after `|` in a detection key (`query|contains|all`).
///
/// Supported: the string modifiers `contains`, `startswith`, `endswith`, `windash` and `cased`; `all` (every value
/// must match instead of any); `neq` (the entry must not match); `re` with its flags `i`, `m`, `s` (also spelled
/// `ignorecase`, `multiline`, `dotall`); `cidr`; the numeric comparisons `gt`, `gte`, `lt`, `lte`; `exists`;
/// `fieldref` (compare with another field of the same event); and the time parts `minute`, `hour`, `day`, `week`,
/// `month`, `year` of an RFC 3339 field such as `time`, in UTC. Encoding modifiers such as `base64`, `wide` or
/// `expand` are rejected: Custos events are structured JSON, not raw log lines.
public enum ValueModifier: String, Sendable, Hashable, Codable, CaseIterable {
    /// The value occurs anywhere in the field.
    case contains
    /// The field starts with the value.
    case startswith
    /// The field ends with the value.
    case endswith
    /// Every value of the list must match (instead of any one).
    case all
    /// The value is a regular expression, searched for anywhere in the field (case-sensitive unless `i`).
    case re
    /// Regular-expression flag: ignore case.
    case i
    /// Regular-expression flag: `^` and `$` match at line breaks.
    case m
    /// Regular-expression flag: `.` matches line breaks.
    case s
    /// The value is an IPv4 or IPv6 network in CIDR notation; the field is an address inside it.
    case cidr
    /// The field is a number greater than the value.
    case gt
    /// The field is a number greater than or equal to the value.
    case gte
    /// The field is a number less than the value.
    case lt
    /// The field is a number less than or equal to the value.
    case lte
    /// The value is `true` or `false`: whether the field is present (and not null).
    case exists
    /// A `-` or `/` that starts a command-line option also matches the other dashes Windows accepts.
    case windash
    /// String comparison is case-sensitive.
    case cased
    /// The value is the name of another field; the field must equal that field's value.
    case fieldref
    /// The entry is negated: it holds when the field does not match (or is absent), as pySigma's `neq`.
    case neq
    /// The minute (0–59) of a timestamp field, in UTC.
    case minute
    /// The hour (0–23) of a timestamp field, in UTC.
    case hour
    /// The day of the month (1–31) of a timestamp field, in UTC.
    case day
    /// The week of the year (0–53, weeks starting on Monday, as SQLite's `%W`) of a timestamp field, in UTC.
    case week
    /// The month (1–12) of a timestamp field, in UTC.
    case month
    /// The year of a timestamp field, in UTC.
    case year

    /// Reads a modifier as written in a rule, accepting pySigma's long names of the regular-expression flags.
    public init?(word: String) {
        switch word {
        case "ignorecase": self = .i
        case "multiline": self = .m
        case "dotall": self = .s
        default: self.init(rawValue: word)
        }
    }

    /// Whether the modifier extracts a part of a timestamp.
    var isTimePart: Bool {
        switch self {
        case .minute, .hour, .day, .week, .month, .year: true
        default: false
        }
    }

    /// Whether the modifier only makes sense on string values.
    var isStringModifier: Bool {
        switch self {
        case .contains, .startswith, .endswith, .windash, .cased: true
        default: false
        }
    }

    /// Whether the modifier is a numeric comparison.
    var isComparison: Bool {
        switch self {
        case .gt, .gte, .lt, .lte: true
        default: false
        }
    }

    /// Whether the modifier is a regular-expression flag.
    var isRegexFlag: Bool {
        switch self {
        case .i, .m, .s: true
        default: false
        }
    }
}
