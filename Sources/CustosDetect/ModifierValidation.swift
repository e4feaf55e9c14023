/// Checks that a field condition's modifiers fit together and fit its values, so that compiling it cannot fail.
enum ModifierValidation {
    /// The longest regular expression accepted, in characters.
    static let maximumRegexLength = 1_000

    /// A description of what is wrong with the condition, or nil when it is well-formed.
    static func problem(in condition: FieldCondition) -> String? {
        let modifiers = condition.modifiers
        let set = Set(modifiers)
        let placements = modifiers.filter { $0 == .contains || $0 == .startswith || $0 == .endswith }
        if placements.count > 1 {
            return "'\(placements[0].rawValue)' and '\(placements[1].rawValue)' cannot be combined"
        }
        let comparisons = modifiers.filter(\.isComparison)
        if comparisons.count > 1 { return "only one of gt, gte, lt, lte may be used" }
        let flags = modifiers.filter(\.isRegexFlag)
        if !flags.isEmpty && !set.contains(.re) { return "'\(flags[0].rawValue)' is a flag of 're' and needs it" }
        let timeParts = modifiers.filter(\.isTimePart)
        if timeParts.count > 1 { return "only one of minute, hour, day, week, month, year may be used" }
        let kinds = [
            set.contains(.re), set.contains(.cidr), !comparisons.isEmpty, set.contains(.exists),
            set.contains(.fieldref), !timeParts.isEmpty,
        ].filter { $0 }.count
        if kinds > 1 {
            return "re, cidr, gt/gte/lt/lte, exists, fieldref and the time parts exclude each other"
        }
        if kinds == 1, let stringModifier = modifiers.first(where: \.isStringModifier) {
            return "'\(stringModifier.rawValue)' cannot be combined with \(Self.kindName(set, comparisons))"
        }
        for value in condition.values {
            if let problem = problem(value: value, set: set, comparisons: comparisons) { return problem }
        }
        if set.contains(.exists) && condition.values.count != 1 { return "'exists' takes a single true or false" }
        return nil
    }

    private static func kindName(_ set: Set<ValueModifier>, _ comparisons: [ValueModifier]) -> String {
        if set.contains(.re) { return "'re'" }
        if set.contains(.cidr) { return "'cidr'" }
        if set.contains(.exists) { return "'exists'" }
        if set.contains(.fieldref) { return "'fieldref'" }
        if let part = set.first(where: \.isTimePart) { return "'\(part.rawValue)'" }
        return "'\(comparisons.first?.rawValue ?? "")'"
    }

    private static func problem(value: SigmaValue, set: Set<ValueModifier>, comparisons: [ValueModifier]) -> String? {
        if set.contains(.exists) {
            if case .bool = value { return nil }
            return "'exists' takes true or false, not '\(value)'"
        }
        if let part = set.first(where: \.isTimePart) {
            if case .integer = value { return nil }
            return "'\(part.rawValue)' takes whole numbers, not '\(value)'"
        }
        if !comparisons.isEmpty {
            if value.numericValue != nil { return nil }
            return "'\(comparisons[0].rawValue)' compares with a number, not '\(value)'"
        }
        if set.contains(.re) {
            guard case .string(let pattern) = value else { return "'re' takes a string, not '\(value)'" }
            if pattern.count > maximumRegexLength {
                return "the regular expression is longer than \(maximumRegexLength) characters"
            }
            return RegexMatcher.compileProblem(pattern, modifiers: set)
        }
        if set.contains(.cidr) {
            guard case .string(let text) = value else { return "'cidr' takes a network such as 10.0.0.0/8" }
            if CIDRNetwork(text) == nil { return "'\(text)' is not a network in CIDR notation (10.0.0.0/8, fd00::/8)" }
            return nil
        }
        if set.contains(.fieldref) {
            guard case .string(let text) = value, !text.isEmpty else { return "'fieldref' takes a field name" }
            return nil
        }
        if case .null = value, set.contains(where: \.isStringModifier) {
            return "null cannot be combined with string modifiers"
        }
        if set.contains(.windash), case .string(let text) = value, WindowsDash.variantCount(text) > 1_024 {
            return "'windash' would expand '\(text)' into too many variants"
        }
        return nil
    }
}
