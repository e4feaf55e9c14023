/// A Sigma string value split into literal text and wildcards, following pySigma's reading of escapes:
/// `*` is any run of characters, `?` exactly one character, `\*`, `\?` and `\\` stand for the character itself,
/// and a `\` before any other character (or at the end) is a literal backslash, so Windows paths need no escaping.
struct WildcardPattern: Sendable, Hashable {
    /// A piece of the pattern.
    enum Part: Sendable, Hashable {
        /// Characters that must appear as written.
        case literal(String)
        /// `*`: any run of characters, possibly empty.
        case anyRun
        /// `?`: exactly one character.
        case anyOne
    }

    /// The pieces in order; adjacent literals are merged.
    var parts: [Part]

    /// Parses a Sigma string value.
    init(sigma text: String) {
        var parts: [Part] = []
        var literal = ""
        var escaped = false
        func flush() {
            if !literal.isEmpty {
                parts.append(.literal(literal))
                literal = ""
            }
        }
        for c in text {
            if escaped {
                if c != "*" && c != "?" && c != "\\" { literal.append("\\") }
                literal.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "*" {
                flush()
                parts.append(.anyRun)
            } else if c == "?" {
                flush()
                parts.append(.anyOne)
            } else {
                literal.append(c)
            }
        }
        if escaped { literal.append("\\") }
        flush()
        self.parts = parts
    }

    /// A pattern from parts.
    init(parts: [Part]) { self.parts = parts }

    /// The pattern with `*` added before and/or after (for `contains`, `startswith`, `endswith`).
    func surrounded(leading: Bool, trailing: Bool) -> WildcardPattern {
        var parts = self.parts
        if leading && parts.first != .anyRun { parts.insert(.anyRun, at: 0) }
        if trailing && parts.last != .anyRun { parts.append(.anyRun) }
        return WildcardPattern(parts: parts)
    }

    /// A pattern that matches exactly `text`, with no wildcards.
    static func literal(_ text: String) -> WildcardPattern {
        WildcardPattern(parts: text.isEmpty ? [] : [.literal(text)])
    }
}
