import Yams

/// Parses a rule's `detection` section: its named selections, their field conditions and modifiers, and the
/// condition, checking everything a matcher will rely on (known modifiers, value types, referenced selections).
enum DetectionParser {
    static func parse(
        _ node: Node,
        metadata: RuleMetadata,
        logSource: LogSource,
        reader: YAMLNodeReader
    ) throws(RuleError) -> SigmaRule {
        var selections: [Selection] = []
        var conditionNode: Node?
        for (key, keyNode, value) in try reader.mapping(node, what: "'detection'") {
            switch key {
            case "condition":
                conditionNode = value
            case "timeframe":
                throw reader.error(keyNode, "'timeframe' is obsolete: write a correlation rule with a 'timespan'")
            default:
                selections.append(try parseSelection(name: key, keyNode: keyNode, value: value, reader: reader))
            }
        }
        guard let conditionNode else { throw reader.error(node, "'detection' has no 'condition'") }
        if selections.isEmpty { throw reader.error(node, "'detection' has no selection") }
        let conditionTexts: [(String, Node)]
        switch conditionNode {
        case .scalar(let scalar):
            conditionTexts = [(scalar.string, conditionNode)]
        case .sequence(let sequence):
            var texts: [(String, Node)] = []
            for element in sequence { texts.append((try reader.string(element, what: "each condition"), element)) }
            if texts.isEmpty { throw reader.error(conditionNode, "'condition' is an empty list") }
            conditionTexts = texts
        default:
            throw reader.error(conditionNode, "'condition' must be a string or a list of strings")
        }
        var conditions: [ConditionExpression] = []
        let names = selections.map(\.name)
        for (text, textNode) in conditionTexts {
            let location = reader.location(textNode)
            // A plain scalar on the key's line starts at the node's column; other styles are reported at the node.
            func columnError(_ failure: ConditionParser.Failure) -> RuleError {
                var at = location
                if case .scalar(let scalar) = textNode, scalar.style == .plain, at.column > 0 {
                    at.column += failure.column - 1
                }
                return at.error("in condition '\(text)': \(failure.message)")
            }
            let expression: ConditionExpression
            do {
                expression = try ConditionParser.parse(text)
            } catch {
                throw columnError(error)
            }
            try checkReferences(expression, names: names, text: text, location: location)
            conditions.append(expression)
        }
        return SigmaRule(
            metadata: metadata,
            logSource: logSource,
            selections: selections,
            conditions: conditions,
            conditionLocation: reader.location(conditionNode)
        )
    }

    private static func checkReferences(
        _ expression: ConditionExpression,
        names: [String],
        text: String,
        location: SourceLocation
    ) throws(RuleError) {
        switch expression {
        case .selection(let name):
            if !names.contains(name) {
                throw location.error("condition '\(text)' refers to '\(name)', which is not a selection of this rule")
            }
        case .not(let operand):
            try checkReferences(operand, names: names, text: text, location: location)
        case .and(let operands), .or(let operands):
            for operand in operands { try checkReferences(operand, names: names, text: text, location: location) }
        case .quantified(_, let pattern):
            if !names.contains(where: pattern.includes) {
                throw location.error("condition '\(text)': '\(pattern)' matches no selection of this rule")
            }
        }
    }

    private static func parseSelection(
        name: String,
        keyNode: Node,
        value: Node,
        reader: YAMLNodeReader
    ) throws(RuleError) -> Selection {
        var alternatives: [[FieldCondition]] = []
        switch value {
        case .mapping:
            alternatives.append(try parseFieldMap(value, selection: name, reader: reader))
        case .sequence(let sequence):
            for element in sequence {
                guard case .mapping = element else {
                    throw reader.error(
                        element,
                        "selection '\(name)' lists \(reader.kind(of: element)): keyword (full-text) selections are "
                            + "not supported; name the field, e.g. 'query|contains: \(Self.preview(element))'"
                    )
                }
                alternatives.append(try parseFieldMap(element, selection: name, reader: reader))
            }
            if alternatives.isEmpty { throw reader.error(value, "selection '\(name)' is an empty list") }
        default:
            throw reader.error(
                value,
                "selection '\(name)' must be a mapping of fields or a list of mappings (keyword selections are not "
                    + "supported)"
            )
        }
        return Selection(name: name, alternatives: alternatives, location: reader.location(keyNode))
    }

    private static func preview(_ node: Node) -> String {
        if case .scalar(let scalar) = node { return String(scalar.string.prefix(30)) }
        return "…"
    }

    private static func parseFieldMap(
        _ node: Node,
        selection: String,
        reader: YAMLNodeReader
    ) throws(RuleError) -> [FieldCondition] {
        var conditions: [FieldCondition] = []
        let members = try reader.mapping(node, what: "selection '\(selection)'")
        if members.isEmpty { throw reader.error(node, "selection '\(selection)' is an empty mapping") }
        for (key, keyNode, valueNode) in members {
            conditions.append(try parseFieldCondition(key: key, keyNode: keyNode, valueNode: valueNode, reader: reader))
        }
        return conditions
    }

    private static func parseFieldCondition(
        key: String,
        keyNode: Node,
        valueNode: Node,
        reader: YAMLNodeReader
    ) throws(RuleError) -> FieldCondition {
        let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let field = parts[0]
        guard !field.isEmpty else {
            throw reader.error(keyNode, "'\(key)' has no field name: keyword (full-text) matching is not supported")
        }
        guard !field.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            throw reader.error(keyNode, "field '\(field)' has an empty path component")
        }
        var modifiers: [ValueModifier] = []
        for word in parts.dropFirst() {
            guard let modifier = ValueModifier(word: word) else {
                let unsupported: Set<String> = [
                    "base64", "base64offset", "wide", "utf16", "utf16le", "utf16be", "expand",
                ]
                let reason = unsupported.contains(word) ? "is not supported by Custos" : "is not a Sigma modifier"
                throw reader.error(keyNode, "modifier '\(word)' in '\(key)' \(reason)")
            }
            if modifiers.contains(modifier) {
                throw reader.error(keyNode, "modifier '\(word)' appears twice in '\(key)'")
            }
            modifiers.append(modifier)
        }
        var values: [SigmaValue] = []
        switch valueNode {
        case .sequence(let sequence):
            for element in sequence { values.append(try reader.value(element, what: "each value of '\(key)'")) }
            if values.isEmpty { throw reader.error(valueNode, "'\(key)' has an empty list of values") }
        default:
            values.append(try reader.value(valueNode, what: "the value of '\(key)'"))
        }
        let condition = FieldCondition(
            field: field,
            modifiers: modifiers,
            values: values,
            location: reader.location(keyNode)
        )
        if let problem = ModifierValidation.problem(in: condition) {
            throw reader.error(keyNode, "'\(key)': \(problem)")
        }
        return condition
    }
}
