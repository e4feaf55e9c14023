import CustosCore

/// A ``ValueTest`` of the common kinds (literal string shapes, numbers, booleans, numeric comparisons, `exists`,
/// `null`) stored as plain data: a string needle is a range of a byte buffer its ``CompiledFieldTest`` owns. Reading
/// one out of that buffer retains nothing, so a field test made only of these evaluates without touching reference
/// counts (copies of enum values with array payloads were a third of the engine's time).
///
/// ``matches(_:needles:)`` gives exactly what ``ValueTest/matches(_:in:)`` gives for the test it was made from.
struct PlainValueTest: Sendable {
    enum Kind: UInt8, Sendable {
        case literal
        case number
        case bool
        case gt
        case gte
        case lt
        case lte
        case exists
        case null
    }

    let kind: Kind
    /// For `literal`.
    let shape: StringMatcher.LiteralShape
    /// For `literal`.
    let caseSensitive: Bool
    /// The boolean of `bool` and `exists`.
    let flag: Bool
    /// The number of `number` and the comparisons' bound.
    let number: Double
    /// For `literal`: the needle's range in the owner's byte buffer.
    let needleStart: Int
    let needleCount: Int

    /// The plain form of a value test, appending its needle to `bytes`; nil for the other kinds (wildcards, regular
    /// expressions, networks, field references, time parts, Windows dash variants).
    init?(_ test: ValueTest, bytes: inout [UInt8]) {
        var shape = StringMatcher.LiteralShape.equals
        var caseSensitive = false
        var flag = false
        var number = 0.0
        let start = bytes.count
        switch test {
        case .pattern(let matcher):
            guard let literal = matcher.literal else { return nil }
            kind = .literal
            shape = literal.shape
            caseSensitive = literal.caseSensitive
            bytes += literal.needle
        case .number(let n):
            kind = .number
            number = n
        case .bool(let b):
            kind = .bool
            flag = b
        case .compare(let op, let bound):
            switch op {
            case .gt: kind = .gt
            case .gte: kind = .gte
            case .lt: kind = .lt
            default: kind = .lte
            }
            number = bound
        case .exists(let expected):
            kind = .exists
            flag = expected
        case .null:
            kind = .null
        case .regex, .cidr, .fieldReference, .timePart, .anyOf:
            return nil
        }
        self.shape = shape
        self.caseSensitive = caseSensitive
        self.flag = flag
        self.number = number
        self.needleStart = start
        self.needleCount = bytes.count - start
    }

    /// Whether the field value (nil when absent) satisfies the test; `needles` is the owner's byte buffer.
    func matches(_ value: JSONValue?, needles: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .exists:
            if case .some(let v) = value, v != .null { return flag }
            return !flag
        case .null:
            if case .some(let v) = value { return v == .null }
            return true
        default:
            guard let value else { return false }
            if case .array(let elements) = value {
                for element in elements where matchesScalar(element, needles) { return true }
                return false
            }
            return matchesScalar(value, needles)
        }
    }

    private func matchesScalar(_ value: JSONValue, _ needles: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .literal:
            let needle = UnsafeBufferPointer(rebasing: needles[needleStart..<needleStart + needleCount])
            switch value {
            case .string(let s): return StringMatcher.matches(s, shape, needle, caseSensitive: caseSensitive)
            case .integer(let i): return StringMatcher.matches(String(i), shape, needle, caseSensitive: caseSensitive)
            case .double(let d):
                return StringMatcher.matches(ValueTest.text(d), shape, needle, caseSensitive: caseSensitive)
            case .bool(let b):
                return StringMatcher.matches(b ? "true" : "false", shape, needle, caseSensitive: caseSensitive)
            default: return false
            }
        case .number:
            switch value {
            case .integer(let i): return Double(i) == number
            case .double(let d): return d == number
            case .string(let s): return ValueTest.number(s) == number
            default: return false
            }
        case .bool:
            switch value {
            case .bool(let x): return x == flag
            case .integer(let i): return i == (flag ? 1 : 0)
            case .string(let s): return s.lowercased() == (flag ? "true" : "false")
            default: return false
            }
        case .gt, .gte, .lt, .lte:
            let x: Double
            switch value {
            case .integer(let i): x = Double(i)
            case .double(let d): x = d
            default: return false
            }
            switch kind {
            case .gt: return x > number
            case .gte: return x >= number
            case .lt: return x < number
            default: return x <= number
            }
        case .exists, .null:
            return false
        }
    }
}
