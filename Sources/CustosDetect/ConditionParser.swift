/// Parses a Sigma `condition` string into a ``ConditionExpression``.
///
/// Grammar, loosest binding first (as the Sigma specification orders it):
///
///     expression := conjunction ("or" conjunction)*
///     conjunction := unary ("and" unary)*
///     unary := "not" unary | "(" expression ")" | ("1" | "all") "of" (pattern | "them") | identifier
///
/// Keywords are case-insensitive. Identifiers are letters, digits, `_`, `-`, `.` and (in quantifier patterns) `*`.
/// An error gives the column within the condition string.
public struct ConditionParser: Sendable {
    /// Why a condition did not parse: a message and the 1-based column in the condition text.
    public struct Failure: Error, Sendable, Hashable {
        /// What is wrong.
        public var message: String
        /// The 1-based column within the condition text.
        public var column: Int
    }

    private enum Token: Equatable {
        case word(String)
        case open
        case close
        case end
    }

    private var tokens: [(token: Token, column: Int)] = []
    private var position = 0

    /// Parses one condition string.
    public static func parse(_ text: String) throws(Failure) -> ConditionExpression {
        var parser = ConditionParser()
        try parser.tokenize(text)
        let expression = try parser.parseExpression()
        let (token, column) = parser.tokens[parser.position]
        if token != .end {
            throw Failure(message: "unexpected \(Self.describe(token)) after a complete condition", column: column)
        }
        return expression
    }

    private mutating func tokenize(_ text: String) throws(Failure) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
            } else if c == "(" {
                tokens.append((.open, i + 1))
                i += 1
            } else if c == ")" {
                tokens.append((.close, i + 1))
                i += 1
            } else if Self.isIdentifierScalar(c) {
                let start = i
                while i < scalars.count, Self.isIdentifierScalar(scalars[i]) { i += 1 }
                var word = ""
                word.unicodeScalars.append(contentsOf: scalars[start..<i])
                tokens.append((.word(word), start + 1))
            } else {
                throw Failure(message: "unexpected character '\(c)'", column: i + 1)
            }
            if tokens.count > 10_000 { throw Failure(message: "condition is too long", column: i + 1) }
        }
        tokens.append((.end, scalars.count + 1))
    }

    private static func isIdentifierScalar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" || c == "." || c == "*"
    }

    private static func describe(_ token: Token) -> String {
        switch token {
        case .word(let w): "'\(w)'"
        case .open: "'('"
        case .close: "')'"
        case .end: "end of condition"
        }
    }

    private func isKeyword(_ token: Token, _ keyword: String) -> Bool {
        if case .word(let w) = token { return w.lowercased() == keyword }
        return false
    }

    private mutating func parseExpression(depth: Int = 0) throws(Failure) -> ConditionExpression {
        if depth > 64 { throw Failure(message: "condition is nested too deeply", column: tokens[position].column) }
        var operands = [try parseConjunction(depth: depth)]
        while isKeyword(tokens[position].token, "or") {
            position += 1
            operands.append(try parseConjunction(depth: depth))
        }
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    private mutating func parseConjunction(depth: Int) throws(Failure) -> ConditionExpression {
        var operands = [try parseUnary(depth: depth)]
        while isKeyword(tokens[position].token, "and") {
            position += 1
            operands.append(try parseUnary(depth: depth))
        }
        return operands.count == 1 ? operands[0] : .and(operands)
    }

    private mutating func parseUnary(depth: Int) throws(Failure) -> ConditionExpression {
        let (token, column) = tokens[position]
        if depth > 64 { throw Failure(message: "condition is nested too deeply", column: column) }
        switch token {
        case .end:
            throw Failure(
                message: "expected a selection, 'not', '(' or a quantifier but the condition ended",
                column: column
            )
        case .close:
            throw Failure(message: "expected a selection, 'not', '(' or a quantifier but found ')'", column: column)
        case .open:
            position += 1
            let inner = try parseExpression(depth: depth + 1)
            guard tokens[position].token == .close else {
                throw Failure(
                    message: "expected ')' to close the '(' at column \(column), found "
                        + Self.describe(tokens[position].token),
                    column: tokens[position].column
                )
            }
            position += 1
            return inner
        case .word(let word):
            let lower = word.lowercased()
            if lower == "not" {
                position += 1
                return .not(try parseUnary(depth: depth + 1))
            }
            if lower == "and" || lower == "or" || lower == "of" {
                throw Failure(message: "expected a selection before '\(word)'", column: column)
            }
            if isKeyword(tokens[position + 1].token, "of") {
                let quantifier: ConditionQuantifier
                switch lower {
                case "1", "any": quantifier = .one
                case "all": quantifier = .all
                default:
                    throw Failure(message: "a quantifier must be '1' or 'all', not '\(word)'", column: column)
                }
                position += 2
                guard case .word(let target) = tokens[position].token,
                    !["and", "or", "not", "of"].contains(target.lowercased())
                else {
                    throw Failure(
                        message: "expected a selection name pattern or 'them' after '\(word) of'",
                        column: tokens[position].column
                    )
                }
                position += 1
                return .quantified(quantifier, target.lowercased() == "them" ? .them : .names(target))
            }
            if word.contains("*") {
                throw Failure(
                    message: "wildcard '\(word)' is only allowed after '1 of' or 'all of'",
                    column: column
                )
            }
            position += 1
            return .selection(word)
        }
    }
}
