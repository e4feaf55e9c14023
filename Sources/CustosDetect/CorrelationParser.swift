import Yams

/// Parses the `correlation` section of a Sigma correlation rule (specification 2.1).
enum CorrelationParser {
    static func parse(
        _ node: Node,
        document: [(key: String, keyNode: Node, value: Node)],
        metadata: RuleMetadata,
        reader: YAMLNodeReader
    ) throws(RuleError) -> CorrelationRule {
        var type: CorrelationType?
        var rules: [String] = []
        var groupBy: [String] = []
        var timespan: Int64?
        var condition: CorrelationCondition?
        var conditionNode: Node?
        var aliases: [String: [String: String]] = [:]
        var generate = false
        if let topLevel = document.first(where: { $0.key == "generate" })?.value {
            generate = try boolean(topLevel, what: "'generate'", reader: reader)
        }
        for (key, keyNode, value) in try reader.mapping(node, what: "'correlation'") {
            switch key {
            case "type":
                let text = try reader.string(value, what: "'correlation.type'")
                guard let parsed = CorrelationType(rawValue: text) else {
                    let known = CorrelationType.allCases.map(\.rawValue).joined(separator: ", ")
                    throw reader.error(value, "unknown correlation type '\(text)' (expected one of \(known))")
                }
                type = parsed
            case "rules":
                rules = try reader.strings(value, what: "'correlation.rules'")
                if rules.isEmpty { throw reader.error(value, "'correlation.rules' is empty") }
            case "group-by":
                groupBy = try reader.strings(value, what: "'correlation.group-by'")
            case "timespan":
                let text = try reader.string(value, what: "'correlation.timespan'")
                guard let milliseconds = Self.timespan(text) else {
                    throw reader.error(value, "'\(text)' is not a timespan (a number and s, m, h, d or w: '15m')")
                }
                timespan = milliseconds
            case "condition":
                conditionNode = value
                condition = try parseCondition(value, reader: reader)
            case "aliases":
                for (alias, _, mapping) in try reader.mapping(value, what: "'correlation.aliases'") {
                    var fields: [String: String] = [:]
                    for (rule, _, field) in try reader.mapping(mapping, what: "alias '\(alias)'") {
                        fields[rule] = try reader.string(field, what: "the field of alias '\(alias)' for '\(rule)'")
                    }
                    aliases[alias] = fields
                }
            case "generate":
                generate = try boolean(value, what: "'correlation.generate'", reader: reader)
            default:
                throw reader.error(keyNode, "unknown key '\(key)' in 'correlation'")
            }
        }
        guard let type else { throw reader.error(node, "'correlation' has no 'type'") }
        guard !rules.isEmpty else { throw reader.error(node, "'correlation' has no 'rules'") }
        guard let timespan else { throw reader.error(node, "'correlation' has no 'timespan'") }
        switch type {
        case .temporal, .temporalOrdered:
            if type == .temporalOrdered && rules.count < 2 {
                throw reader.error(node, "a temporal_ordered correlation needs at least two rules")
            }
            if let condition, condition.field != nil, let conditionNode {
                throw reader.error(conditionNode, "a \(type.rawValue) condition takes no 'field'")
            }
        default:
            guard let condition, let conditionNode else {
                throw reader.error(node, "a \(type.rawValue) correlation needs a 'condition'")
            }
            if type.needsField && condition.field == nil {
                throw reader.error(conditionNode, "a \(type.rawValue) condition needs a 'field'")
            }
            if !type.needsField && condition.field != nil {
                throw reader.error(conditionNode, "an event_count condition takes no 'field'")
            }
            if type == .valuePercentile && condition.percentile == nil {
                throw reader.error(conditionNode, "a value_percentile condition needs a 'percentile' (0 to 100)")
            }
        }
        return CorrelationRule(
            metadata: metadata,
            type: type,
            rules: rules,
            groupBy: groupBy,
            timespanMilliseconds: timespan,
            condition: condition,
            aliases: aliases,
            generate: generate
        )
    }

    private static func boolean(_ node: Node, what: String, reader: YAMLNodeReader) throws(RuleError) -> Bool {
        guard case .bool(let b) = try reader.value(node, what: what) else {
            throw reader.error(node, "\(what) must be true or false")
        }
        return b
    }

    private static func parseCondition(_ node: Node, reader: YAMLNodeReader) throws(RuleError) -> CorrelationCondition {
        var condition = CorrelationCondition(bounds: [])
        for (key, keyNode, value) in try reader.mapping(node, what: "'correlation.condition'") {
            if let op = CorrelationCondition.Operator(rawValue: key) {
                guard let number = try reader.value(value, what: "'\(key)'").numericValue else {
                    throw reader.error(value, "'\(key)' must be a number")
                }
                condition.bounds.append(.init(op, number))
            } else if key == "field" {
                let fields = try reader.strings(value, what: "'field'")
                guard fields.count == 1 else { throw reader.error(value, "'field' must name exactly one field") }
                condition.field = fields[0]
            } else if key == "percentile" {
                guard let p = try reader.value(value, what: "'percentile'").numericValue, p >= 0, p <= 100 else {
                    throw reader.error(value, "'percentile' must be a number from 0 to 100")
                }
                condition.percentile = p
            } else {
                throw reader.error(
                    keyNode,
                    "unknown key '\(key)' in a correlation condition (gt, gte, lt, lte, eq, neq, "
                        + "field, percentile)"
                )
            }
        }
        if condition.bounds.isEmpty {
            throw reader.error(node, "a correlation condition needs a comparison (gt, gte, lt, lte, eq or neq)")
        }
        return condition
    }

    /// A timespan (`30s`, `15m`, `1h`, `7d`, `2w`) in milliseconds.
    static func timespan(_ text: String) -> Int64? {
        guard let unit = text.last, text.count >= 2 else { return nil }
        let digits = text.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int64(digits), n > 0, n < 1_000_000_000
        else { return nil }
        switch unit {
        case "s": return n * 1000
        case "m": return n * 60_000
        case "h": return n * 3_600_000
        case "d": return n * 86_400_000
        case "w": return n * 604_800_000
        default: return nil
        }
    }
}
