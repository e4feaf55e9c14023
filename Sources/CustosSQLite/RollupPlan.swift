import CustosCore
import CustosStore

/// How a time range is answered from the dataset rollups: each rollup level, coarsest first, covers the whole buckets
/// of what the coarser levels left, and what no level covers (less than one bucket of the finest level on each side)
/// is read from the events themselves. Bucket spans are half-open `[lower, upper)` in bucket numbers; nil is
/// unbounded.
struct RollupPlan {
    /// A run of whole buckets of one level.
    struct Span {
        var lower: Int64?
        var upper: Int64?
    }

    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000

    /// The whole buckets to read from each level, in the order of the levels given.
    var spans: [(level: RollupLevel, span: Span)] = []
    /// What is left for the events: at most two pieces, each shorter than the finest level's bucket.
    var raw: [TimeRange] = []

    /// Plans `range` over `levels`, which must be ordered coarsest first, each width a multiple of the next.
    init(range: TimeRange, levels: [RollupLevel] = RollupLevel.ranged) {
        var rest: [(Int64?, Int64?)] = [(range.from?.millisecondsSinceEpoch, range.to?.millisecondsSinceEpoch)]
        for level in levels {
            var left: [(Int64?, Int64?)] = []
            for (a, b) in rest {
                var covered: [Span] = []
                Self.cover(a, b, size: level.width, into: &covered, rest: &left)
                spans += covered.map { (level, $0) }
            }
            rest = left
        }
        raw = rest.map { x, y in
            TimeRange(
                from: x.map(Timestamp.init(millisecondsSinceEpoch:)),
                to: y.map(Timestamp.init(millisecondsSinceEpoch:))
            )
        }
    }

    /// Adds the whole buckets of `[from, to)` to `spans` and the uncovered pieces to `rest`.
    private static func cover(
        _ from: Int64?,
        _ to: Int64?,
        size: Int64,
        into spans: inout [Span],
        rest: inout [(Int64?, Int64?)]
    ) {
        let first = from.map { ceilDiv($0, size) }
        let last = to.map { $0.floorDivided(by: size) }
        if let first, let last, first >= last {
            if (from ?? .min) < (to ?? .max) { rest.append((from, to)) }
            return
        }
        spans.append(Span(lower: first, upper: last))
        if let from, let first, from < first * size { rest.append((from, first * size)) }
        if let to, let last, to > last * size { rest.append((last * size, to)) }
    }

    private static func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
        -((-a).floorDivided(by: b))
    }
}
