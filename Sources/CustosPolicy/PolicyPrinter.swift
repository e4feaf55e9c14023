extension Policy {
    /// The policy in Cedar's policy syntax, with annotations, the scope, and `when`/`unless` clauses. Parsing the
    /// text gives back an equal policy (up to source locations); parentheses appear only where precedence needs them.
    public var cedarText: String {
        var text = ""
        for annotation in annotations {
            text += "@\(annotation.key)(\(CedarStringEscaping.quoted(annotation.value)))\n"
        }
        text += "\(effect.rawValue) (\n"
        text += "  " + PolicyPrinter.scope(principal, "principal") + ",\n"
        text += "  " + PolicyPrinter.actionScope(action) + ",\n"
        text += "  " + PolicyPrinter.scope(resource, "resource") + "\n)"
        for condition in conditions {
            text += "\n\(condition.isWhen ? "when" : "unless") { \(condition.body.cedarText) }"
        }
        return text + ";"
    }
}

extension CedarExpression {
    /// The expression in Cedar's syntax; parsing it gives back an equal expression.
    public var cedarText: String { PolicyPrinter.print(self, context: .expression) }
}

extension PolicySet {
    /// The static policies and templates in Cedar's syntax, in order (template links are not part of the text).
    public var cedarText: String {
        let all = policies + templates.keys.sorted().compactMap { templates[$0] }
        return all.map(\.cedarText).joined(separator: "\n\n") + (all.isEmpty ? "" : "\n")
    }
}

/// Prints the AST back as Cedar text.
enum PolicyPrinter {
    /// Precedence levels of Cedar's grammar, loosest first.
    enum Level: Int, Comparable {
        case expression, or, and, relation, add, multiply, unary, member

        static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    static func reference(_ reference: EntityReference) -> String {
        switch reference {
        case .entity(let uid): uid.description
        case .slot(let slot): slot.rawValue
        }
    }

    static func scope(_ constraint: EntityScopeConstraint, _ variable: String) -> String {
        switch constraint {
        case .any: variable
        case .equal(let r): "\(variable) == \(reference(r))"
        case .in(let r): "\(variable) in \(reference(r))"
        case .isType(let type): "\(variable) is \(type)"
        case .isTypeIn(let type, let r): "\(variable) is \(type) in \(reference(r))"
        }
    }

    static func actionScope(_ constraint: ActionScopeConstraint) -> String {
        switch constraint {
        case .any: "action"
        case .equal(let uid): "action == \(uid)"
        case .in(let uid): "action in \(uid)"
        case .inSet(let uids): "action in [" + uids.map(\.description).joined(separator: ", ") + "]"
        }
    }

    private static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first,
            first == "_" || ("a"..."z").contains(first)
                || ("A"..."Z").contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0)
                || ("0"..."9").contains($0)
        }
    }

    private static func pattern(_ pattern: Pattern) -> String {
        var text = "\""
        for element in pattern.elements {
            switch element {
            case .wildcard: text += "*"
            case .scalar(let c):
                var single = ""
                single.unicodeScalars.append(c)
                text += CedarStringEscaping.escaped(single, escapingStars: true)
            }
        }
        return text + "\""
    }

    /// The level an expression's own syntax has.
    private static func level(of e: CedarExpression) -> Level {
        switch e.kind {
        case .ifThenElse: .expression
        case .or: .or
        case .and: .and
        case .binary(.equal, _, _), .binary(.less, _, _), .binary(.lessOrEqual, _, _), .binary(.in, _, _),
            .hasAttribute, .like, .isEntityType:
            .relation
        case .binary(.add, _, _), .binary(.subtract, _, _): .add
        case .binary(.multiply, _, _): .multiply
        case .not, .negate: .unary
        case .literal(.long(let n)) where n < 0: .unary
        default: .member
        }
    }

    /// `e` printed where the grammar expects at least `context`, parenthesised when its own level is looser.
    static func print(_ e: CedarExpression, context: Level) -> String {
        let text = printBare(e)
        return level(of: e) < context ? "(\(text))" : text
    }

    private static func printBare(_ e: CedarExpression) -> String {
        switch e.kind {
        case .literal(.entity(let uid)): return uid.description
        case .literal(let value): return value.description
        case .variable(let v): return v.rawValue
        case .slot(let slot): return slot.rawValue
        case .ifThenElse(let c, let t, let f):
            return "if \(print(c, context: .expression)) then \(print(t, context: .expression)) "
                + "else \(print(f, context: .expression))"
        case .or(let l, let r): return "\(print(l, context: .or)) || \(print(r, context: .and))"
        case .and(let l, let r): return "\(print(l, context: .and)) && \(print(r, context: .relation))"
        case .not(let operand): return "!" + print(operand, context: .member)
        case .negate(let operand):
            if case .literal(.long) = operand.kind { return "-(\(printBare(operand)))" }
            return "-" + print(operand, context: .member)
        case .isEmpty(let operand): return print(operand, context: .member) + ".isEmpty()"
        case .binary(let op, let l, let r):
            switch op {
            case .equal, .less, .lessOrEqual, .in:
                let symbol = op == .in ? "in" : op.rawValue
                return "\(print(l, context: .add)) \(symbol) \(print(r, context: .add))"
            case .add, .subtract: return "\(print(l, context: .add)) \(op.rawValue) \(print(r, context: .multiply))"
            case .multiply: return "\(print(l, context: .multiply)) * \(print(r, context: .unary))"
            case .contains, .containsAll, .containsAny, .getTag, .hasTag:
                return "\(print(l, context: .member)).\(op.rawValue)(\(print(r, context: .expression)))"
            }
        case .hasAttribute(let operand, let name):
            return "\(print(operand, context: .add)) has \(CedarStringEscaping.quoted(name))"
        case .getAttribute(let operand, let name):
            let receiver = print(operand, context: .member)
            if isIdentifier(name) && !PolicyParser.reservedWords.contains(name) { return "\(receiver).\(name)" }
            return "\(receiver)[\(CedarStringEscaping.quoted(name))]"
        case .like(let operand, let p): return "\(print(operand, context: .add)) like \(pattern(p))"
        case .isEntityType(let operand, let type): return "\(print(operand, context: .add)) is \(type)"
        case .set(let elements):
            return "[" + elements.map { print($0, context: .expression) }.joined(separator: ", ") + "]"
        case .record(let fields):
            let body = fields.map { "\(CedarStringEscaping.quoted($0.name)): \(print($0.value, context: .expression))" }
            return "{" + body.joined(separator: ", ") + "}"
        case .extensionCall(let name, let arguments):
            let isFunction = ["decimal", "ip", "datetime", "duration"].contains(name)
            if isFunction || arguments.isEmpty {
                return "\(name)(" + arguments.map { print($0, context: .expression) }.joined(separator: ", ") + ")"
            }
            let rest = arguments.dropFirst().map { print($0, context: .expression) }.joined(separator: ", ")
            return "\(print(arguments[0], context: .member)).\(name)(\(rest))"
        }
    }
}
