/// The distinct field conditions of a rule set, compiled once each and numbered, so that a condition written in
/// many rules (`outcome: denied`, `rows|gt: 5000`) is one ``CompiledFieldTest`` evaluated at most once per event:
/// ``EventFieldValues`` remembers each test's result by its number.
///
/// Two conditions are the same test when field, modifiers and values are (their locations may differ). Matching is
/// pure, so sharing a result gives exactly what evaluating each occurrence would.
struct FieldTestTable: Sendable {
    /// A condition as written, without its location.
    private struct Key: Hashable {
        let field: String
        let modifiers: [ValueModifier]
        let values: [SigmaValue]
    }

    /// The tests, by number (``CompiledFieldTest/id``).
    private(set) var tests: [CompiledFieldTest] = []
    private var numbers: [Key: Int] = [:]

    /// No tests yet.
    init() {}

    /// The compiled test of a condition, compiling and numbering it when it is new; its field path is numbered in
    /// `slots`. Fails (naming the condition's location) for a value the condition's modifiers cannot use.
    mutating func test(for condition: FieldCondition, slots: inout FieldSlots) throws(RuleError) -> CompiledFieldTest {
        let key = Key(field: condition.field, modifiers: condition.modifiers, values: condition.values)
        if let number = numbers[key] { return tests[number] }
        let test = try CompiledFieldTest(condition, id: tests.count, slots: &slots)
        numbers[key] = tests.count
        tests.append(test)
        return test
    }
}
