/// A correlation rule prepared for the engine: references resolved to slots, aliases resolved to field paths per
/// slot, and its firing mode chosen. A class, so that the engine reading one for every matched event retains one
/// reference rather than copying its arrays.
final class CorrelationPlan: Sendable {
    /// The rule.
    let rule: CorrelationRule
    /// The key under which its state is kept and findings name it: the id, else the name, else the title (with
    /// `#2`, `#3`… appended when titles repeat).
    let key: String
    /// For each slot (entry of `rules`), the paths of the group-by fields.
    let groupPaths: [[FieldPath]]
    /// For each slot, the path of the aggregated field (`value_*` types).
    let valuePaths: [FieldPath?]
    /// The condition to satisfy (temporal types without a condition need every rule).
    let condition: CorrelationCondition
    /// Whether the correlation fires as soon as its condition holds (monotone conditions) rather than when a window
    /// closes.
    let firesEagerly: Bool

    init(rule: CorrelationRule, key: String, slotNames: [Set<String>]) {
        self.rule = rule
        self.key = key
        func path(_ field: String, slot: Int) -> FieldPath {
            if let alias = rule.aliases[field] {
                for name in slotNames[slot] {
                    if let mapped = alias[name] { return FieldPath(mapped) }
                }
            }
            return FieldPath(field)
        }
        groupPaths = slotNames.indices.map { slot in rule.groupBy.map { path($0, slot: slot) } }
        valuePaths = slotNames.indices.map { slot in rule.condition?.field.map { path($0, slot: slot) } }
        let condition =
            rule.condition
            ?? CorrelationCondition(bounds: [.init(.gte, Double(rule.rules.count))])
        self.condition = condition
        switch rule.type {
        case .valueAverage, .valuePercentile:
            firesEagerly = false
        default:
            firesEagerly = condition.isMonotone
        }
    }

    /// The computed value of a window of occurrences, or nil when there is nothing to compute it from.
    func metric(_ window: ArraySlice<Occurrence>) -> Double? {
        switch rule.type {
        case .eventCount:
            return Double(window.count)
        case .valueCount:
            var distinct = Set<String>()
            for occurrence in window { for text in occurrence.texts { distinct.insert(text.lowercased()) } }
            return Double(distinct.count)
        case .valueSum:
            let numbers = window.compactMap(\.number)
            return numbers.isEmpty ? nil : numbers.reduce(0, +)
        case .valueAverage:
            let numbers = window.compactMap(\.number)
            return numbers.isEmpty ? nil : numbers.reduce(0, +) / Double(numbers.count)
        case .valuePercentile:
            let numbers = window.compactMap(\.number).sorted()
            guard !numbers.isEmpty else { return nil }
            let position = Double(numbers.count - 1) * (condition.percentile ?? 50) / 100
            let lower = Int(position)
            let fraction = position - Double(lower)
            let upper = min(lower + 1, numbers.count - 1)
            return numbers[lower] * (1 - fraction) + numbers[upper] * fraction
        case .temporal:
            return Double(Set(window.map(\.slot)).count)
        case .temporalOrdered:
            var next = 0
            for occurrence in window where occurrence.slot == next {
                next += 1
                if next == rule.rules.count { break }
            }
            return Double(next)
        }
    }
}
