/// A detection rule compiled into a predicate over events.
///
/// Compilation resolves selection names and quantifiers to indices, parses wildcard patterns once, lowercases
/// needles once and builds regular expressions and networks once, so matching an event does not allocate for
/// ASCII field values. Matching follows Sigma: field conditions of a map are ANDed, alternatives (a list of maps)
/// and the values of a field are ORed (ANDed with `all`), string comparison ignores case unless `cased`, and a
/// condition on an absent field is false (so `not` of it is true).
///
/// ```swift
/// let rule = try SigmaParser.parseRule(text, file: "bulk_export.yml")
/// let matcher = try RuleMatcher(rule: rule)
/// if matcher.matches(DetectionEvent(event: accessEvent)) { … }
/// ```
public struct RuleMatcher: Sendable {
    /// The rule this matcher was compiled from.
    public let rule: SigmaRule
    /// The compiled predicate, behind one reference so that copying a matcher costs one retain.
    let program: CompiledRule

    /// Compiles a rule; fails (naming the rule's file and line) only for a rule not produced by ``SigmaParser``
    /// that refers to a missing selection or holds an invalid value.
    public init(rule: SigmaRule) throws(RuleError) {
        self.rule = rule
        var compiled: [CompiledSelection] = []
        for selection in rule.selections {
            var alternatives: [[CompiledFieldTest]] = []
            for alternative in selection.alternatives {
                var tests: [CompiledFieldTest] = []
                for condition in alternative {
                    tests.append(try CompiledFieldTest(condition))
                }
                alternatives.append(tests)
            }
            compiled.append(CompiledSelection(alternatives: alternatives))
        }
        let names = rule.selections.map(\.name)
        var roots: [CompiledCondition] = []
        for expression in rule.conditions {
            roots.append(try CompiledCondition(expression, names: names, location: rule.conditionLocation))
        }
        self.program = CompiledRule(selections: compiled, condition: roots.count == 1 ? roots[0] : .or(roots))
    }

    /// Whether the event matches the rule.
    public func matches(_ event: DetectionEvent) -> Bool {
        program.matches(event)
    }
}

/// The compiled form of a rule: selections and the condition over them.
final class CompiledRule: Sendable {
    let selections: [CompiledSelection]
    let condition: CompiledCondition

    init(selections: [CompiledSelection], condition: CompiledCondition) {
        self.selections = selections
        self.condition = condition
    }

    func matches(_ event: DetectionEvent) -> Bool {
        condition.evaluate(selections, event)
    }
}

/// A selection compiled: alternatives of ANDed field tests.
struct CompiledSelection: Sendable {
    let alternatives: [[CompiledFieldTest]]

    func matches(_ event: DetectionEvent) -> Bool {
        for alternative in alternatives where alternative.allSatisfy({ $0.matches(event) }) { return true }
        return false
    }
}

/// A field condition compiled: the path and the value tests, combined with OR (or AND for `all`).
struct CompiledFieldTest: Sendable {
    let path: FieldPath
    let tests: [ValueTest]
    let requireAll: Bool
    let negated: Bool

    init(_ condition: FieldCondition) throws(RuleError) {
        if let problem = ModifierValidation.problem(in: condition) {
            throw condition.location.error("'\(condition.field)': \(problem)")
        }
        let modifiers = Set(condition.modifiers)
        var tests: [ValueTest] = []
        for value in condition.values {
            guard let test = ValueTest.compile(value, modifiers: modifiers) else {
                throw condition.location.error("'\(condition.field)': cannot use value '\(value)' here")
            }
            tests.append(test)
        }
        self.path = FieldPath(condition.field)
        self.tests = tests
        self.requireAll = modifiers.contains(.all)
        self.negated = modifiers.contains(.neq)
    }

    func matches(_ event: DetectionEvent) -> Bool {
        negated != matchesValues(event)
    }

    private func matchesValues(_ event: DetectionEvent) -> Bool {
        let value = event.value(at: path)
        if requireAll {
            for test in tests where !test.matches(value, in: event) { return false }
            return true
        }
        for test in tests where test.matches(value, in: event) { return true }
        return false
    }
}

/// A condition compiled: selection names resolved to indices, quantifiers expanded.
indirect enum CompiledCondition: Sendable {
    case selection(Int)
    case not(CompiledCondition)
    case and([CompiledCondition])
    case or([CompiledCondition])

    init(_ expression: ConditionExpression, names: [String], location: SourceLocation) throws(RuleError) {
        switch expression {
        case .selection(let name):
            guard let index = names.firstIndex(of: name) else {
                throw location.error("condition refers to '\(name)', which is not a selection of this rule")
            }
            self = .selection(index)
        case .not(let operand):
            self = .not(try CompiledCondition(operand, names: names, location: location))
        case .and(let operands):
            var compiled: [CompiledCondition] = []
            for operand in operands {
                compiled.append(try CompiledCondition(operand, names: names, location: location))
            }
            self = .and(compiled)
        case .or(let operands):
            var compiled: [CompiledCondition] = []
            for operand in operands {
                compiled.append(try CompiledCondition(operand, names: names, location: location))
            }
            self = .or(compiled)
        case .quantified(let quantifier, let pattern):
            let indices = names.indices.filter { pattern.includes(names[$0]) }
            guard !indices.isEmpty else { throw location.error("'\(pattern)' matches no selection of this rule") }
            let operands = indices.map { CompiledCondition.selection($0) }
            if operands.count == 1 {
                self = operands[0]
            } else {
                self = quantifier == .one ? .or(operands) : .and(operands)
            }
        }
    }

    func evaluate(_ selections: [CompiledSelection], _ event: DetectionEvent) -> Bool {
        switch self {
        case .selection(let index):
            return selections[index].matches(event)
        case .not(let operand):
            return !operand.evaluate(selections, event)
        case .and(let operands):
            for operand in operands where !operand.evaluate(selections, event) { return false }
            return true
        case .or(let operands):
            for operand in operands where operand.evaluate(selections, event) { return true }
            return false
        }
    }
}
