/// A compiled string test: a wildcard pattern reduced to the cheapest check (equality, prefix, suffix, substring or
/// a general wildcard match) over UTF-8 bytes, with the needle lowercased once at compile time.
///
/// Case-insensitive matching (Sigma's default) folds ASCII letters byte by byte without allocating; a value with
/// non-ASCII characters is lowercased with Unicode rules first (one allocation, only for such values).
struct StringMatcher: Sendable, Hashable {
    private enum Shape: Sendable, Hashable {
        case equals([UInt8])
        case prefix([UInt8])
        case suffix([UInt8])
        case contains([UInt8])
        case wildcard([Token])
    }

    private enum Token: Sendable, Hashable {
        case literal([UInt8])
        case anyRun
        case anyOne
    }

    private let shape: Shape
    private let caseSensitive: Bool

    /// Compiles a pattern.
    init(_ pattern: WildcardPattern, caseSensitive: Bool) {
        self.caseSensitive = caseSensitive
        func bytes(_ s: String) -> [UInt8] { Array((caseSensitive ? s : s.lowercased()).utf8) }
        let parts = pattern.parts
        if parts.contains(.anyOne) {
            shape = .wildcard(Self.tokens(parts, bytes))
            return
        }
        switch parts.count {
        case 0:
            shape = .equals([])
        case 1:
            if case .literal(let s) = parts[0] { shape = .equals(bytes(s)) } else { shape = .prefix([]) }
        case 2:
            if case .literal(let s) = parts[0] {
                shape = .prefix(bytes(s))
            } else if case .literal(let s) = parts[1] {
                shape = .suffix(bytes(s))
            } else {
                shape = .prefix([])
            }
        case 3:
            if parts[0] == .anyRun, parts[2] == .anyRun, case .literal(let s) = parts[1] {
                shape = .contains(bytes(s))
            } else {
                shape = .wildcard(Self.tokens(parts, bytes))
            }
        default:
            shape = .wildcard(Self.tokens(parts, bytes))
        }
    }

    private static func tokens(_ parts: [WildcardPattern.Part], _ bytes: (String) -> [UInt8]) -> [Token] {
        parts.map { part in
            switch part {
            case .literal(let s): .literal(bytes(s))
            case .anyRun: .anyRun
            case .anyOne: .anyOne
            }
        }
    }

    /// The literal shapes (everything but a general wildcard), which need no reference to match: see
    /// ``PlainValueTest``.
    enum LiteralShape: UInt8, Sendable {
        case equals
        case prefix
        case suffix
        case contains
    }

    /// The shape and needle (lowercased unless case-sensitive) when the pattern is not a general wildcard.
    var literal: (shape: LiteralShape, needle: [UInt8], caseSensitive: Bool)? {
        switch shape {
        case .equals(let needle): (.equals, needle, caseSensitive)
        case .prefix(let needle): (.prefix, needle, caseSensitive)
        case .suffix(let needle): (.suffix, needle, caseSensitive)
        case .contains(let needle): (.contains, needle, caseSensitive)
        case .wildcard: nil
        }
    }

    /// Whether the value matches.
    func matches(_ value: String) -> Bool {
        if case .wildcard(let tokens) = shape {
            return Self.matching(value, caseSensitive: caseSensitive) { Self.wildcardMatch(tokens, $0, $1) }
        }
        guard let literal else { return false }
        return literal.needle.withUnsafeBufferPointer { needle in
            Self.matches(value, literal.shape, needle, caseSensitive: caseSensitive)
        }
    }

    /// Whether a value matches a literal shape with the given needle (lowercased unless case-sensitive).
    static func matches(
        _ value: String,
        _ shape: LiteralShape,
        _ needle: UnsafeBufferPointer<UInt8>,
        caseSensitive: Bool
    ) -> Bool {
        matching(value, caseSensitive: caseSensitive) { value, foldASCII in
            switch shape {
            case .equals:
                return value.count == needle.count && equal(value, at: 0, needle, foldASCII)
            case .prefix:
                return equal(value, at: 0, needle, foldASCII)
            case .suffix:
                return equal(value, at: value.count - needle.count, needle, foldASCII)
            case .contains:
                return find(needle, in: value, from: 0, foldASCII) != nil
            }
        }
    }

    /// Runs a byte matcher over the value's UTF-8, folding ASCII case unless case-sensitive; a value with non-ASCII
    /// characters is lowercased with Unicode rules first (one allocation, only for such values).
    @inline(__always)
    private static func matching(
        _ value: String,
        caseSensitive: Bool,
        _ body: (UnsafeBufferPointer<UInt8>, Bool) -> Bool
    ) -> Bool {
        var bytes = value
        let direct: Bool? = bytes.withUTF8 { buffer in
            if caseSensitive || buffer.allSatisfy({ $0 < 0x80 }) {
                return body(buffer, !caseSensitive)
            }
            return nil
        }
        if let direct { return direct }
        var lowered = value.lowercased()
        return lowered.withUTF8 { body($0, false) }
    }

    @inline(__always)
    private static func fold(_ byte: UInt8, _ fold: Bool) -> UInt8 {
        fold && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    private static func equal(
        _ value: UnsafeBufferPointer<UInt8>,
        at start: Int,
        _ needle: UnsafeBufferPointer<UInt8>,
        _ foldASCII: Bool
    ) -> Bool {
        if start < 0 || start + needle.count > value.count { return false }
        var i = 0
        while i < needle.count {
            if fold(value[start + i], foldASCII) != needle[i] { return false }
            i += 1
        }
        return true
    }

    private static func find(
        _ needle: UnsafeBufferPointer<UInt8>,
        in value: UnsafeBufferPointer<UInt8>,
        from start: Int,
        _ foldASCII: Bool
    ) -> Int? {
        if needle.isEmpty { return start }
        let last = value.count - needle.count
        if start > last { return nil }
        let first = needle[0]
        var i = start
        while i <= last {
            if fold(value[i], foldASCII) == first && equal(value, at: i, needle, foldASCII) { return i }
            i += 1
        }
        return nil
    }

    /// The length in bytes of the UTF-8 character starting at `i`.
    @inline(__always)
    private static func characterLength(_ value: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        var j = i + 1
        while j < value.count && value[j] & 0xC0 == 0x80 { j += 1 }
        return j - i
    }

    /// Wildcard matching with a single backtracking point per `*` (linear in practice, never exponential).
    private static func wildcardMatch(_ tokens: [Token], _ value: UnsafeBufferPointer<UInt8>, _ foldASCII: Bool) -> Bool
    {
        var t = 0
        var v = 0
        var starToken = -1
        var starValue = 0
        while true {
            if t < tokens.count {
                switch tokens[t] {
                case .anyRun:
                    starToken = t
                    starValue = v
                    t += 1
                    continue
                case .anyOne:
                    if v < value.count {
                        v += characterLength(value, at: v)
                        t += 1
                        continue
                    }
                case .literal(let needle):
                    if needle.withUnsafeBufferPointer({ equal(value, at: v, $0, foldASCII) }) {
                        v += needle.count
                        t += 1
                        continue
                    }
                }
            } else if v == value.count {
                return true
            }
            // Mismatch: let the last `*` swallow one more character, or fail.
            guard starToken >= 0, starValue < value.count else { return false }
            starValue += characterLength(value, at: starValue)
            v = starValue
            t = starToken + 1
        }
    }
}
