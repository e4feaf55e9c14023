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
        var slots = FieldSlots()
        var tests = FieldTestTable()
        try self.init(rule: rule, slots: &slots, tests: &tests)
    }

    /// Compiles a rule whose field paths and field tests are numbered in tables shared with other rules (a
    /// ``RuleSet``'s), so that one ``EventFieldValues`` serves them all and a condition they share is evaluated once.
    init(rule: SigmaRule, slots: inout FieldSlots, tests table: inout FieldTestTable) throws(RuleError) {
        self.rule = rule
        var compiled: [CompiledSelection] = []
        for selection in rule.selections {
            var alternatives: [[CompiledFieldTest]] = []
            for alternative in selection.alternatives {
                var tests: [CompiledFieldTest] = []
                for condition in alternative {
                    tests.append(try table.test(for: condition, slots: &slots))
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
        self.program = CompiledRule(
            selections: compiled,
            condition: roots.count == 1 ? roots[0] : .or(roots),
            paths: slots.paths,
            testCount: table.tests.count
        )
    }

    /// Whether the event matches the rule.
    public func matches(_ event: DetectionEvent) -> Bool {
        var values = EventFieldValues(event, paths: program.paths, testCount: program.testCount)
        return program.matches(&values)
    }
}

/// The compiled form of a rule: selections and the condition over them.
final class CompiledRule: Sendable {
    let selections: [CompiledSelection]
    let condition: CompiledCondition
    /// The field paths by slot, covering every slot the rule's tests read.
    let paths: [FieldPath]
    /// The number of tests in the table the rule was compiled with, covering every test number it uses.
    let testCount: Int

    init(selections: [CompiledSelection], condition: CompiledCondition, paths: [FieldPath], testCount: Int) {
        self.selections = selections
        self.condition = condition
        self.paths = paths
        self.testCount = testCount
    }

    func matches(_ values: inout EventFieldValues) -> Bool {
        condition.evaluate(selections, &values)
    }
}

/// A selection compiled: alternatives of ANDed field tests.
struct CompiledSelection: Sendable {
    let alternatives: [[CompiledFieldTest]]

    func matches(_ values: inout EventFieldValues) -> Bool {
        // Index loops: elements are used in place, not copied out (a copy retains every reference inside).
        for a in alternatives.indices {
            var holds = true
            for t in alternatives[a].indices where !alternatives[a][t].matches(&values) {
                holds = false
                break
            }
            if holds { return true }
        }
        return false
    }
}

/// A field condition compiled: the path and the value tests, combined with OR (or AND for `all`). A class, so that
/// handing one around costs one retain; numbered in a ``FieldTestTable`` so that its result per event is remembered.
final class CompiledFieldTest: Sendable {
    /// The test's number in its ``FieldTestTable``.
    let id: Int
    let path: FieldPath
    /// The path's number in the shared ``FieldSlots``.
    let slot: Int
    let tests: [ValueTest]
    let requireAll: Bool
    let negated: Bool
    /// The tests in plain form when every one has it (empty otherwise), and the bytes of their needles.
    private let plainTests: [PlainValueTest]
    private let needles: [UInt8]

    init(_ condition: FieldCondition, id: Int, slots: inout FieldSlots) throws(RuleError) {
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
        self.id = id
        self.path = FieldPath(condition.field)
        self.slot = slots.slot(for: path)
        self.tests = tests
        var needles: [UInt8] = []
        var plainTests: [PlainValueTest] = []
        for test in tests {
            guard let plain = PlainValueTest(test, bytes: &needles) else {
                plainTests = []
                break
            }
            plainTests.append(plain)
        }
        self.plainTests = plainTests
        self.needles = plainTests.isEmpty ? [] : needles
        self.requireAll = modifiers.contains(.all)
        self.negated = modifiers.contains(.neq)
    }

    /// Whether the event passes the test (remembered per event by ``EventFieldValues``).
    func matches(_ values: inout EventFieldValues) -> Bool {
        values.passes(self)
    }

    /// Evaluates the test (``EventFieldValues/passes(_:)`` calls this once per event).
    func evaluate(_ values: inout EventFieldValues) -> Bool {
        negated != matchesValues(&values)
    }

    private func matchesValues(_ values: inout EventFieldValues) -> Bool {
        let value = values.value(slot)
        if !plainTests.isEmpty {
            return needles.withUnsafeBufferPointer { needles in
                if requireAll {
                    for i in plainTests.indices where !plainTests[i].matches(value, needles: needles) { return false }
                    return true
                }
                for i in plainTests.indices where plainTests[i].matches(value, needles: needles) { return true }
                return false
            }
        }
        if requireAll {
            for i in tests.indices where !tests[i].matches(value, in: values.event) { return false }
            return true
        }
        for i in tests.indices where tests[i].matches(value, in: values.event) { return true }
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

    func evaluate(_ selections: [CompiledSelection], _ values: inout EventFieldValues) -> Bool {
        switch self {
        case .selection(let index):
            return selections[index].matches(&values)
        case .not(let operand):
            return !operand.evaluate(selections, &values)
        case .and(let operands):
            for i in operands.indices where !operands[i].evaluate(selections, &values) { return false }
            return true
        case .or(let operands):
            for i in operands.indices where operands[i].evaluate(selections, &values) { return true }
            return false
        }
    }
}
