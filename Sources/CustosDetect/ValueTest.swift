import CustosCore

/// One compiled value of a field condition: what a single field value must be for the value to match.
///
/// Type rules (pySigma's, with two documented leniencies):
/// - a string pattern matches string fields, and also numbers and booleans by their text (`'4625'` matches 4625);
/// - a number matches numbers of equal value, and also strings that spell that number (`4625` matches `"4625"`);
/// - a boolean matches booleans, the strings `true`/`false` (any case) and the numbers 1/0;
/// - `gt`/`gte`/`lt`/`lte` only compare numbers (a numeric string does not compare);
/// - `null` matches an absent or null field; `exists` tests presence (a null field does not exist).
/// A list field matches when any element matches.
enum ValueTest: Sendable {
    case pattern(StringMatcher)
    case number(Double)
    case bool(Bool)
    case null
    case regex(RegexMatcher)
    case cidr(CIDRNetwork)
    case compare(ValueModifier, Double)
    case exists(Bool)
    case fieldReference(FieldPath)
    case timePart(ValueModifier, Int64)
    case anyOf([ValueTest])

    /// Compiles one value of a validated condition.
    static func compile(_ value: SigmaValue, modifiers: Set<ValueModifier>) -> ValueTest? {
        if modifiers.contains(.exists) {
            guard case .bool(let b) = value else { return nil }
            return .exists(b)
        }
        if let op = modifiers.first(where: \.isComparison) {
            guard let n = value.numericValue else { return nil }
            return .compare(op, n)
        }
        if modifiers.contains(.re) {
            guard case .string(let pattern) = value, let regex = RegexMatcher(pattern, modifiers: modifiers) else {
                return nil
            }
            return .regex(regex)
        }
        if modifiers.contains(.cidr) {
            guard case .string(let text) = value, let network = CIDRNetwork(text) else { return nil }
            return .cidr(network)
        }
        if let part = modifiers.first(where: \.isTimePart) {
            guard case .integer(let number) = value else { return nil }
            return .timePart(part, number)
        }
        if modifiers.contains(.fieldref) {
            guard case .string(let name) = value else { return nil }
            return .fieldReference(FieldPath(name))
        }
        let hasStringModifier = modifiers.contains(where: \.isStringModifier)
        let text: String
        switch value {
        case .null:
            return hasStringModifier ? nil : .null
        case .bool(let b):
            if !hasStringModifier { return .bool(b) }
            text = b ? "true" : "false"
        case .integer, .double:
            if !hasStringModifier, let n = value.numericValue { return .number(n) }
            text = value.description
        case .string(let s):
            text = s
        }
        let caseSensitive = modifiers.contains(.cased)
        let leading = modifiers.contains(.contains) || modifiers.contains(.endswith)
        let trailing = modifiers.contains(.contains) || modifiers.contains(.startswith)
        func matcher(_ s: String) -> ValueTest {
            .pattern(
                StringMatcher(
                    WildcardPattern(sigma: s).surrounded(leading: leading, trailing: trailing),
                    caseSensitive: caseSensitive
                )
            )
        }
        if modifiers.contains(.windash) {
            let variants = WindowsDash.variants(text)
            return variants.count == 1 ? matcher(text) : .anyOf(variants.map(matcher))
        }
        return matcher(text)
    }

    /// Whether the field value (nil when absent) satisfies the test.
    func matches(_ value: JSONValue?, in event: DetectionEvent) -> Bool {
        switch self {
        case .exists(let expected):
            if case .some(let v) = value, v != .null { return expected }
            return !expected
        case .null:
            if case .some(let v) = value { return v == .null }
            return true
        case .fieldReference(let path):
            guard let value, let other = event.value(at: path) else { return false }
            return Self.sameValue(value, other)
        default:
            guard let value else { return false }
            if case .array(let elements) = value {
                for element in elements where matchesScalar(element) { return true }
                return false
            }
            return matchesScalar(value)
        }
    }

    private func matchesScalar(_ value: JSONValue) -> Bool {
        switch self {
        case .pattern(let matcher):
            switch value {
            case .string(let s): return matcher.matches(s)
            case .integer(let i): return matcher.matches(String(i))
            case .double(let d): return matcher.matches(Self.text(d))
            case .bool(let b): return matcher.matches(b ? "true" : "false")
            default: return false
            }
        case .number(let n):
            switch value {
            case .integer(let i): return Double(i) == n
            case .double(let d): return d == n
            case .string(let s): return Self.number(s) == n
            default: return false
            }
        case .bool(let b):
            switch value {
            case .bool(let x): return x == b
            case .integer(let i): return i == (b ? 1 : 0)
            case .string(let s): return s.lowercased() == (b ? "true" : "false")
            default: return false
            }
        case .regex(let regex):
            switch value {
            case .string(let s): return regex.matches(s)
            case .integer(let i): return regex.matches(String(i))
            case .double(let d): return regex.matches(Self.text(d))
            default: return false
            }
        case .cidr(let network):
            if case .string(let s) = value { return network.contains(s) }
            return false
        case .compare(let op, let bound):
            let x: Double
            switch value {
            case .integer(let i): x = Double(i)
            case .double(let d): x = d
            default: return false
            }
            switch op {
            case .gt: return x > bound
            case .gte: return x >= bound
            case .lt: return x < bound
            default: return x <= bound
            }
        case .timePart(let part, let expected):
            guard case .string(let text) = value, case .success(let time) = Timestamp.parse(text) else { return false }
            return Self.part(part, of: time) == expected
        case .anyOf(let tests):
            return tests.contains { $0.matchesScalar(value) }
        case .null, .exists, .fieldReference:
            return false
        }
    }

    /// A part of a timestamp in UTC; weeks are counted as SQLite's `%W` does (week 1 starts on the first Monday).
    static func part(_ part: ValueModifier, of time: Timestamp) -> Int64 {
        let rfc = Array(time.rfc3339.utf8)  // YYYY-MM-DDTHH:MM:SS.mmmZ
        func digits(_ start: Int, _ count: Int) -> Int64 {
            rfc[start..<start + count].reduce(0) { $0 * 10 + Int64($1 - 0x30) }
        }
        switch part {
        case .minute: return digits(14, 2)
        case .hour: return digits(11, 2)
        case .day: return digits(8, 2)
        case .month: return digits(5, 2)
        case .year: return digits(0, 4)
        default:
            let days = time.dayNumber
            let dayOfYear = days - Self.daysSinceEpoch(toJanuaryFirstOf: digits(0, 4))  // 0-based
            let weekday = ((days + 3) % 7 + 7) % 7  // Monday = 0 (1970-01-01 was a Thursday)
            return (dayOfYear + 7 - weekday) / 7
        }
    }

    /// Days from 1970-01-01 to January 1st of a (proleptic Gregorian) year.
    private static func daysSinceEpoch(toJanuaryFirstOf year: Int64) -> Int64 {
        let y = year - 1
        return 365 * (year - 1970) + (y / 4 - 1969 / 4) - (y / 100 - 1969 / 100) + (y / 400 - 1969 / 400)
    }

    /// A double's text: integral values without a fraction (`3.0` reads `3`), as YAML writers print them.
    static func text(_ d: Double) -> String {
        if d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    /// A string's numeric value when the whole string is a finite decimal number.
    static func number(_ s: String) -> Double? {
        guard !s.isEmpty,
            s.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B
                    || $0 == 0x65 || $0 == 0x45
            }), let d = Double(s), d.isFinite
        else { return nil }
        return d
    }

    /// Field-reference equality: strings case-insensitively, numbers by value, lists when any elements are equal.
    private static func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.array(let xs), _): return xs.contains { sameValue($0, b) }
        case (_, .array(let ys)): return ys.contains { sameValue(a, $0) }
        case (.string(let x), .string(let y)): return x.lowercased() == y.lowercased()
        case (.integer(let x), .integer(let y)): return x == y
        case (.integer(let x), .double(let y)), (.double(let y), .integer(let x)): return Double(x) == y
        case (.double(let x), .double(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        default: return false
        }
    }
}
