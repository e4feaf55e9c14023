/// The parsed `condition` of a rule: selections combined with `and`, `or`, `not` and quantifiers.
public indirect enum ConditionExpression: Sendable, Hashable, CustomStringConvertible {
    /// A selection by name.
    case selection(String)
    /// The operand does not match.
    case not(ConditionExpression)
    /// Every operand matches.
    case and([ConditionExpression])
    /// At least one operand matches.
    case or([ConditionExpression])
    /// `1 of pattern` or `all of pattern`: a quantifier over the selections whose names match a pattern.
    case quantified(ConditionQuantifier, SelectionPattern)

    /// The expression in Sigma syntax, fully parenthesized.
    public var description: String {
        switch self {
        case .selection(let name): name
        case .not(let operand): "not \(operand)"
        case .and(let operands): "(" + operands.map(\.description).joined(separator: " and ") + ")"
        case .or(let operands): "(" + operands.map(\.description).joined(separator: " or ") + ")"
        case .quantified(let quantifier, let pattern): "\(quantifier.rawValue) of \(pattern)"
        }
    }
}

/// How many of the selections a quantified condition needs.
public enum ConditionQuantifier: String, Sendable, Hashable {
    /// At least one.
    case one = "1"
    /// Every one.
    case all
}

/// The selections a quantifier ranges over.
public enum SelectionPattern: Sendable, Hashable, CustomStringConvertible {
    /// Every selection whose name does not start with `_`.
    case them
    /// The selections whose names match a pattern with `*` wildcards (`selection_*`).
    case names(String)

    /// The pattern in Sigma syntax.
    public var description: String {
        switch self {
        case .them: "them"
        case .names(let pattern): pattern
        }
    }

    /// Whether a selection name is in the pattern's range.
    func includes(_ name: String) -> Bool {
        switch self {
        case .them: !name.hasPrefix("_")
        case .names(let pattern): Self.wildcardMatch(Array(pattern.unicodeScalars), Array(name.unicodeScalars))
        }
    }

    private static func wildcardMatch(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        var p = 0
        var t = 0
        var starP = -1
        var starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
