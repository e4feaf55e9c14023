/// When a correlation fires: bounds on the computed value, all of which must hold (`gt: 100` and `lte: 200`).
public struct CorrelationCondition: Sendable, Hashable, Codable {
    /// A comparison operator of a correlation condition.
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        /// Greater than.
        case gt
        /// Greater than or equal.
        case gte
        /// Less than.
        case lt
        /// Less than or equal.
        case lte
        /// Equal.
        case eq
        /// Not equal.
        case neq
    }

    /// One bound: an operator and the number it compares with.
    public struct Bound: Sendable, Hashable, Codable {
        /// The operator.
        public var op: Operator
        /// The number compared with.
        public var value: Double

        /// Creates a bound.
        public init(_ op: Operator, _ value: Double) {
            self.op = op
            self.value = value
        }

        /// Whether a computed value satisfies the bound.
        public func holds(for x: Double) -> Bool {
            switch op {
            case .gt: x > value
            case .gte: x >= value
            case .lt: x < value
            case .lte: x <= value
            case .eq: x == value
            case .neq: x != value
            }
        }
    }

    /// The bounds; every one must hold.
    public var bounds: [Bound]
    /// The field aggregated by `value_*` correlations (an alias name is allowed).
    public var field: String?
    /// The percentile (0–100) for `value_percentile`.
    public var percentile: Double?

    /// Creates a condition.
    public init(bounds: [Bound], field: String? = nil, percentile: Double? = nil) {
        self.bounds = bounds
        self.field = field
        self.percentile = percentile
    }

    /// Whether a computed value satisfies every bound.
    public func holds(for x: Double) -> Bool { bounds.allSatisfy { $0.holds(for: x) } }

    /// Whether the condition can only become true, never false again, as a window gains events with non-negative
    /// values: only lower bounds (`gt`, `gte`). Such correlations fire as soon as the condition holds; the others
    /// are evaluated when their window closes.
    var isMonotone: Bool { bounds.allSatisfy { $0.op == .gt || $0.op == .gte } }
}
