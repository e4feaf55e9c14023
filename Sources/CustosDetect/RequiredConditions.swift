/// The second stage of ``RulePrefilter``: field conditions of any kind (`rows|gt: 5000`, `enrichment.local_hour|lt:
/// 4`, `enrichment.subject_watchlisted: true`) that a rule cannot match without, each evaluated once per event for all
/// the rules that require it, so that a rule whose rare condition fails is never evaluated.
///
/// A rule requires the conditions every way of satisfying it needs: all conditions of a selection alternative,
/// those common to all alternatives of a selection, the union over `and` operands, those common to all `or`
/// operands, none under `not`. Two conditions are the same when field, modifiers and values are (the compiled test
/// is then the same). Plain string equalities are left to the first stage's index. Matching is pure, so skipping a
/// rule whose required condition is false gives exactly the result of evaluating it.
struct RequiredConditions: Sendable {
    /// A condition as written, without its location: what makes two conditions the same test.
    private struct Key: Hashable {
        let field: String
        let modifiers: [ValueModifier]
        let values: [SigmaValue]

        init(_ condition: FieldCondition) {
            field = condition.field
            modifiers = condition.modifiers
            values = condition.values
        }
    }

    /// One required condition, compiled, and the rules (bits) that require it.
    private struct Requirement: Sendable {
        let test: CompiledFieldTest
        let rules: [UInt64]
    }

    private let words: Int
    private let requirements: [Requirement]

    /// Whether no rule has a required condition.
    var isEmpty: Bool { requirements.isEmpty }

    /// Collects the required conditions of compiled rules (parallel to the rule set's matchers) that `isIndexed`
    /// does not already cover, numbering their fields and tests in the rule set's tables (a required condition is the
    /// same test as its occurrences in the rules, so its result serves them too).
    init(
        _ matchers: [RuleMatcher],
        slots: inout FieldSlots,
        tests: inout FieldTestTable,
        isIndexed: (FieldCondition) -> Bool
    ) {
        words = (matchers.count + 63) / 64
        var order: [Key] = []
        var found: [Key: (condition: FieldCondition, rules: [UInt64])] = [:]
        for (rule, matcher) in matchers.enumerated() {
            var written: [Key: FieldCondition] = [:]
            for selection in matcher.rule.selections {
                for alternative in selection.alternatives {
                    for condition in alternative { written[Key(condition)] = condition }
                }
            }
            let selections = matcher.rule.selections.map(Self.required(of:))
            for key in Self.required(matcher.program.condition, selections: selections) {
                guard let condition = written[key], !isIndexed(condition) else { continue }
                if found[key] == nil {
                    order.append(key)
                    found[key] = (condition, [UInt64](repeating: 0, count: words))
                }
                found[key]?.rules[rule / 64] |= 1 << UInt64(rule % 64)
            }
        }
        var requirements: [Requirement] = []
        for key in order {
            guard let entry = found[key], let test = try? tests.test(for: entry.condition, slots: &slots) else {
                continue
            }
            requirements.append(Requirement(test: test, rules: entry.rules))
        }
        self.requirements = requirements
    }

    /// Clears the candidates whose required conditions the event fails.
    func narrow(_ candidates: UnsafeMutableBufferPointer<UInt64>, _ values: inout EventFieldValues) {
        for r in requirements.indices {
            var concerned = false
            for word in 0..<words where candidates[word] & requirements[r].rules[word] != 0 {
                concerned = true
                break
            }
            if concerned && !requirements[r].test.matches(&values) {
                for word in 0..<words { candidates[word] &= ~requirements[r].rules[word] }
            }
        }
    }

    /// The conditions every alternative of a selection contains.
    private static func required(of selection: Selection) -> Set<Key> {
        var result: Set<Key>?
        for alternative in selection.alternatives {
            let keys = Set(alternative.map(Key.init))
            result = result.map { $0.intersection(keys) } ?? keys
        }
        return result ?? []
    }

    private static func required(_ condition: CompiledCondition, selections: [Set<Key>]) -> Set<Key> {
        switch condition {
        case .selection(let index):
            return selections[index]
        case .not:
            return []
        case .and(let operands):
            var result = Set<Key>()
            for operand in operands { result.formUnion(required(operand, selections: selections)) }
            return result
        case .or(let operands):
            var result: Set<Key>?
            for operand in operands {
                let found = required(operand, selections: selections)
                result = result.map { $0.intersection(found) } ?? found
            }
            return result ?? []
        }
    }
}
