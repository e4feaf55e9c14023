import CustosCore

/// Narrows the rules an event can match before any rule runs, so that a large rule set costs little more than the
/// rules that could fire.
///
/// At compile time each rule yields its *necessary equalities*: fields whose value must be one of a few literal
/// strings for the rule to match at all (`action: view`, `resource.dataset: [persons, vehicles]`), derived from the
/// condition: a selection alternative's plain string tests (no modifier but `cased`, no wildcard or escape) are ANDed,
/// alternatives and `or` keep only fields every branch constrains (their value sets united), `and` intersects, and
/// `not` constrains nothing. Per event, one bitset lookup per indexed field gives the candidate rules: those whose
/// every necessary equality holds. Only candidates are evaluated, so the result is exactly that of running every rule.
///
/// Comparison is by lowercased text (the matcher's case-insensitive equality implies it, and `cased` equality does
/// too). An event value that is not a string (or a list of strings) passes every rule indexed on that field, since
/// the matcher compares numbers and booleans by their text.
///
/// A second stage (``RequiredConditions``) then drops the candidates that fail a required condition of any other
/// kind (a numeric threshold, a `contains`, a boolean enrichment flag), each such condition evaluated once per event.
/// Field values are read through the event's ``EventFieldValues``, so the rules evaluated afterwards reuse them.
struct RulePrefilter: Sendable {
    /// One indexed field: the rules that constrain it, by the value that lets them through.
    private struct Index: Sendable {
        /// The field's number in the rule set's ``FieldSlots``.
        let slot: Int
        /// Rules that do not constrain this field (they pass whatever the value).
        var unconstrained: [UInt64]
        /// Lowercased value → the rules constraining this field to a set containing it.
        var byValue: [String: [UInt64]]

        /// The rules a value lets through (keys are lowercased; most values already are, and a text of ASCII bytes
        /// other than capitals is its own lowercase form, so only other texts are lowercased for a second lookup).
        func bits(for text: String) -> [UInt64]? {
            if let bits = byValue[text] { return bits }
            guard text.utf8.contains(where: { ($0 >= 0x41 && $0 <= 0x5A) || $0 >= 0x80 }) else { return nil }
            return byValue[text.lowercased()]
        }
    }

    private let words: Int
    private let ruleCount: Int
    private let indexes: [Index]
    /// The second stage: required conditions other than plain equalities.
    private let required: RequiredConditions

    /// Builds the prefilter of compiled rules (parallel to the rule set's matchers).
    init(_ matchers: [RuleMatcher]) {
        var slots = FieldSlots()
        var tests = FieldTestTable()
        self.init(matchers, slots: &slots, tests: &tests)
    }

    /// Builds the prefilter, numbering the fields it reads and the tests it evaluates in the rule set's tables.
    init(_ matchers: [RuleMatcher], slots: inout FieldSlots, tests: inout FieldTestTable) {
        ruleCount = matchers.count
        words = (matchers.count + 63) / 64
        var constraints: [[String: Set<String>]] = []
        var fields: [String] = []
        for matcher in matchers {
            let selections = matcher.rule.selections.map(Self.constraints(of:))
            let found = Self.constraints(of: matcher.program.condition, selections: selections)
            constraints.append(found)
            for field in found.keys where !fields.contains(field) { fields.append(field) }
        }
        let allRules = Self.mask(count: matchers.count, words: (matchers.count + 63) / 64)
        var indexes: [Index] = []
        for field in fields.sorted() {
            var index = Index(slot: slots.slot(for: FieldPath(field)), unconstrained: allRules, byValue: [:])
            for (rule, found) in constraints.enumerated() {
                guard let values = found[field] else { continue }
                Self.clear(rule, in: &index.unconstrained)
                for value in values {
                    var bits = index.byValue[value] ?? [UInt64](repeating: 0, count: allRules.count)
                    Self.set(rule, in: &bits)
                    index.byValue[value] = bits
                }
            }
            indexes.append(index)
        }
        self.indexes = indexes
        required = RequiredConditions(matchers, slots: &slots, tests: &tests) { Self.literalValues($0) != nil }
    }

    /// Calls `body` with the index of every rule the event may match, in ascending order.
    func forEachCandidate(_ values: inout EventFieldValues, _ body: (Int, inout EventFieldValues) -> Void) {
        if indexes.isEmpty && required.isEmpty {
            for rule in 0..<ruleCount { body(rule, &values) }
            return
        }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(1, words)) { candidates in
            for word in 0..<words { candidates[word] = ~0 }
            for index in indexes {
                narrow(candidates, by: index, value: values.value(index.slot))
            }
            required.narrow(candidates, &values)
            for word in 0..<words {
                var bits = candidates[word]
                while bits != 0 {
                    let rule = word * 64 + bits.trailingZeroBitCount
                    if rule < ruleCount { body(rule, &values) }
                    bits &= bits - 1
                }
            }
        }
    }

    /// Keeps the candidates that this field's value lets through.
    private func narrow(_ candidates: UnsafeMutableBufferPointer<UInt64>, by index: Index, value: JSONValue?) {
        switch value {
        case .none, .some(.null):
            for word in 0..<words { candidates[word] &= index.unconstrained[word] }
        case .some(.string(let text)):
            if let bits = index.bits(for: text) {
                for word in 0..<words { candidates[word] &= index.unconstrained[word] | bits[word] }
            } else {
                for word in 0..<words { candidates[word] &= index.unconstrained[word] }
            }
        case .some(.array(let elements)):
            var passing = index.unconstrained
            for element in elements {
                guard case .string(let text) = element else { return }  // a non-text element: no narrowing
                guard let bits = index.bits(for: text) else { continue }
                for word in 0..<words { passing[word] |= bits[word] }
            }
            for word in 0..<words { candidates[word] &= passing[word] }
        default:
            return  // a number or boolean may match a string test by its text: no narrowing
        }
    }

    // MARK: - Deriving necessary equalities

    /// The necessary equalities of one selection: fields every alternative constrains, their value sets united.
    private static func constraints(of selection: Selection) -> [String: Set<String>] {
        var result: [String: Set<String>]?
        for alternative in selection.alternatives {
            var found: [String: Set<String>] = [:]
            for condition in alternative {
                guard let values = literalValues(condition) else { continue }
                found[condition.field] = found[condition.field].map { $0.intersection(values) } ?? values
            }
            result = result.map { union($0, found) } ?? found
        }
        return result ?? [:]
    }

    /// The lowercased literal strings a condition requires its field to equal, or nil when it is not such a test.
    private static func literalValues(_ condition: FieldCondition) -> Set<String>? {
        guard condition.modifiers.allSatisfy({ $0 == .cased }), !condition.values.isEmpty else { return nil }
        var values = Set<String>()
        for value in condition.values {
            guard case .string(let text) = value, !text.contains(where: { $0 == "*" || $0 == "?" || $0 == "\\" })
            else { return nil }
            values.insert(text.lowercased())
        }
        return values
    }

    private static func constraints(
        of condition: CompiledCondition,
        selections: [[String: Set<String>]]
    ) -> [String: Set<String>] {
        switch condition {
        case .selection(let index):
            return selections[index]
        case .not:
            return [:]
        case .and(let operands):
            var result: [String: Set<String>] = [:]
            for operand in operands {
                for (field, values) in constraints(of: operand, selections: selections) {
                    result[field] = result[field].map { $0.intersection(values) } ?? values
                }
            }
            return result
        case .or(let operands):
            var result: [String: Set<String>]?
            for operand in operands {
                let found = constraints(of: operand, selections: selections)
                result = result.map { union($0, found) } ?? found
            }
            return result ?? [:]
        }
    }

    /// Either branch may hold: only fields both constrain remain, with the values of both.
    private static func union(_ a: [String: Set<String>], _ b: [String: Set<String>]) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for (field, values) in a {
            if let other = b[field] { result[field] = values.union(other) }
        }
        return result
    }

    // MARK: - Bits

    private static func mask(count: Int, words: Int) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: words)
        for rule in 0..<count { set(rule, in: &bits) }
        return bits
    }

    private static func set(_ rule: Int, in bits: inout [UInt64]) { bits[rule / 64] |= 1 << UInt64(rule % 64) }

    private static func clear(_ rule: Int, in bits: inout [UInt64]) { bits[rule / 64] &= ~(1 << UInt64(rule % 64)) }
}
