/// One lexical token of Cedar policy or schema text.
struct Token: Sendable, Hashable {
    /// The kinds of token.
    enum Kind: Sendable, Hashable {
        /// An identifier or keyword (`permit`, `principal`, `User`, `if`…).
        case identifier(String)
        /// A decimal integer literal, kept as text so that range checks can see the sign context.
        case integer(String)
        /// A string literal, still escaped (the text between the quotes).
        case string(String)
        /// A template slot such as `?principal`.
        case slot(String)
        /// Punctuation or an operator (`(`, `::`, `==`, `&&`, `@`…).
        case symbol(String)
        /// The end of the input.
        case end
    }

    /// What the token is.
    var kind: Kind
    /// Where the token starts.
    var location: SourceLocation
}

/// Splits Cedar text into tokens, skipping whitespace and `//` comments.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    /// Creates a lexer over `text`.
    init(_ text: String) {
        self.scalars = Array(text.unicodeScalars)
    }

    private static let twoCharacterSymbols: Set<String> = ["::", "==", "!=", "<=", ">=", "&&", "||"]
    private static let oneCharacterSymbols: Set<Unicode.Scalar> = [
        "@", ".", ",", ";", ":", "(", ")", "{", "}", "[", "]", "<", ">", "+", "-", "*", "/", "%", "!", "=",
    ]

    /// All tokens of the text, ending with `.end`.
    mutating func tokenize() throws(PolicyParseError) -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = index + offset
        return i < scalars.count ? scalars[i] : nil
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }

    private static func isIdentifierContinue(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || (c >= "0" && c <= "9")
    }

    private mutating func next() throws(PolicyParseError) -> Token {
        // Skip whitespace and comments.
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c.properties.isWhitespace {
                advance()
            } else if c == "/" && peek(1) == "/" {
                while let d = peek(), d != "\n", d != "\r" { advance() }
            } else {
                break
            }
        }
        let location = SourceLocation(line: line, column: column)
        guard let c = peek() else { return Token(kind: .end, location: location) }
        if Self.isIdentifierStart(c) {
            var text = ""
            while let d = peek(), Self.isIdentifierContinue(d) {
                text.unicodeScalars.append(d)
                advance()
            }
            return Token(kind: .identifier(text), location: location)
        }
        if c >= "0" && c <= "9" {
            var text = ""
            while let d = peek(), d >= "0" && d <= "9" {
                text.unicodeScalars.append(d)
                advance()
            }
            return Token(kind: .integer(text), location: location)
        }
        if c == "\"" {
            advance()
            var text = ""
            while true {
                guard let d = peek() else {
                    throw PolicyParseError(location: location, reason: "unterminated string literal")
                }
                if d == "\"" {
                    advance()
                    break
                }
                text.unicodeScalars.append(d)
                advance()
                if d == "\\" {
                    guard let e = peek() else {
                        throw PolicyParseError(location: location, reason: "unterminated string literal")
                    }
                    text.unicodeScalars.append(e)
                    advance()
                }
            }
            return Token(kind: .string(text), location: location)
        }
        if c == "?" {
            advance()
            var text = ""
            while let d = peek(), text.isEmpty ? Self.isIdentifierStart(d) : Self.isIdentifierContinue(d) {
                text.unicodeScalars.append(d)
                advance()
            }
            if text.isEmpty { return Token(kind: .symbol("?"), location: location) }
            return Token(kind: .slot(text), location: location)
        }
        if let d = peek(1) {
            var pair = ""
            pair.unicodeScalars.append(c)
            pair.unicodeScalars.append(d)
            if Self.twoCharacterSymbols.contains(pair) {
                advance()
                advance()
                return Token(kind: .symbol(pair), location: location)
            }
        }
        if Self.oneCharacterSymbols.contains(c) {
            advance()
            return Token(kind: .symbol(String(Character(c))), location: location)
        }
        throw PolicyParseError(location: location, reason: "unexpected character `\(Character(c))`")
    }
}

/// Why a string literal's escapes are invalid.
struct UnescapeFailure: Error {
    /// The reason, in words.
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

/// Decodes the escapes of a Cedar string literal (the Rust string-literal escapes Cedar uses).
enum StringUnescaper {
    /// One element of a `like` pattern.
    enum PatternElement: Sendable, Hashable {
        /// A literal character.
        case scalar(Unicode.Scalar)
        /// The `*` wildcard.
        case wildcard
    }

    /// The unescaped string, or a reason why an escape is invalid.
    static func unescape(_ raw: String) -> Result<String, UnescapeFailure> {
        switch decode(raw, forPattern: false) {
        case .success(let elements):
            var s = ""
            for case .scalar(let c) in elements { s.unicodeScalars.append(c) }
            return .success(s)
        case .failure(let reason): return .failure(reason)
        }
    }

    /// The pattern elements of a `like` literal: unescaped `*` is a wildcard, `\*` a literal star.
    static func pattern(_ raw: String) -> Result<[PatternElement], UnescapeFailure> {
        decode(raw, forPattern: true)
    }

    private static func hexDigit(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": c.value - 48
        case "a"..."f": c.value - 87
        case "A"..."F": c.value - 55
        default: nil
        }
    }

    private static func decode(_ raw: String, forPattern: Bool) -> Result<[PatternElement], UnescapeFailure> {
        let s = Array(raw.unicodeScalars)
        var out: [PatternElement] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "\r" { return .failure(UnescapeFailure("bare carriage return in string")) }
            if c != "\\" {
                out.append(forPattern && c == "*" ? .wildcard : .scalar(c))
                i += 1
                continue
            }
            guard i + 1 < s.count else { return .failure(UnescapeFailure("lone backslash in string")) }
            let e = s[i + 1]
            i += 2
            switch e {
            case "n": out.append(.scalar("\n"))
            case "r": out.append(.scalar("\r"))
            case "t": out.append(.scalar("\t"))
            case "\\": out.append(.scalar("\\"))
            case "0": out.append(.scalar("\0"))
            case "'": out.append(.scalar("'"))
            case "\"": out.append(.scalar("\""))
            case "*" where forPattern: out.append(.scalar("*"))
            case "x":
                guard i + 1 < s.count, let high = hexDigit(s[i]), let low = hexDigit(s[i + 1]) else {
                    return .failure(UnescapeFailure("invalid `\\x` escape"))
                }
                let value = high * 16 + low
                guard value <= 0x7F, let scalar = Unicode.Scalar(value) else {
                    return .failure(UnescapeFailure("`\\x` escape out of range"))
                }
                out.append(forPattern && scalar == "*" ? .wildcard : .scalar(scalar))
                i += 2
            case "u":
                guard i < s.count, s[i] == "{" else {
                    return .failure(UnescapeFailure("invalid `\\u` escape: missing `{`"))
                }
                i += 1
                var value: UInt32 = 0
                var digits = 0
                var closed = false
                while i < s.count {
                    let d = s[i]
                    i += 1
                    if d == "}" {
                        closed = true
                        break
                    }
                    if d == "_" {
                        if digits == 0 { return .failure(UnescapeFailure("invalid `\\u` escape: leading underscore")) }
                        continue
                    }
                    guard let h = hexDigit(d) else {
                        return .failure(UnescapeFailure("invalid character in `\\u` escape"))
                    }
                    digits += 1
                    if digits > 6 { return .failure(UnescapeFailure("overlong `\\u` escape")) }
                    value = value * 16 + h
                }
                guard closed else { return .failure(UnescapeFailure("unclosed `\\u` escape")) }
                guard digits > 0 else { return .failure(UnescapeFailure("empty `\\u` escape")) }
                guard let scalar = Unicode.Scalar(value) else {
                    return .failure(UnescapeFailure("invalid Unicode scalar in escape"))
                }
                out.append(forPattern && scalar == "*" ? .wildcard : .scalar(scalar))
            case "\n":
                while i < s.count, s[i] == " " || s[i] == "\t" || s[i] == "\n" || s[i] == "\r" { i += 1 }
            default:
                return .failure(UnescapeFailure("invalid escape `\\\(Character(e))`"))
            }
        }
        return .success(out)
    }
}
