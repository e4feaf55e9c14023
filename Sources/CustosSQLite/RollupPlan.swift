import CustosCore
import CustosStore

/// How a time range is answered from the dataset rollups: whole UTC days from the daily rollup, whole hours of the
/// partial days from the hourly rollup, and what is left at the edges (less than an hour on each side) from the
/// events themselves. Bucket spans are half-open `[lower, upper)` in bucket numbers; nil is unbounded.
struct RollupPlan {
    struct Span {
        var lower: Int64?
        var upper: Int64?
    }

    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000

    var days: [Span] = []
    var hours: [Span] = []
    var raw: [TimeRange] = []

    init(range: TimeRange) {
        var rest: [(Int64?, Int64?)] = []
        Self.cover(
            range.from?.millisecondsSinceEpoch,
            range.to?.millisecondsSinceEpoch,
            size: Self.day,
            into: &days,
            rest: &rest
        )
        for (a, b) in rest {
            var left: [(Int64?, Int64?)] = []
            Self.cover(a, b, size: Self.hour, into: &hours, rest: &left)
            for (x, y) in left {
                raw.append(
                    TimeRange(
                        from: x.map(Timestamp.init(millisecondsSinceEpoch:)),
                        to: y.map(Timestamp.init(millisecondsSinceEpoch:))
                    )
                )
            }
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
            rest.append((from, to))
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
