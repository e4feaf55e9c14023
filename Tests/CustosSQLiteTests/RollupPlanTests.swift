import CustosCore
import CustosStore
import CustosTestKit
import Testing

@testable import CustosSQLite

/// The plan of a dataset report covers its range exactly: whole buckets of each level and the pieces left for the
/// events together tile `[from, to)` with no gap and no overlap, and no leftover piece holds a whole bucket of the
/// finest level.
@Suite("Rollup plan")
struct RollupPlanTests {
    /// The half-open millisecond intervals a plan reads, sorted by start (unbounded ends as the extremes).
    static func pieces(_ plan: RollupPlan) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        for (level, span) in plan.spans {
            out.append((span.lower.map { $0 * level.width } ?? .min, span.upper.map { $0 * level.width } ?? .max))
        }
        for raw in plan.raw {
            out.append((raw.from?.millisecondsSinceEpoch ?? .min, raw.to?.millisecondsSinceEpoch ?? .max))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func piecesTileTheRange(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let base = EventFixtures.baseTime.millisecondsSinceEpoch
        for _ in 0..<2_000 {
            let alignments: [Int64] = [1, 60_000, 3_600_000, 86_400_000]
            let alignment = alignments.randomElement(using: &rng)!
            let from = (base + Int64.random(in: -5 * 86_400_000...5 * 86_400_000, using: &rng)) / alignment * alignment
            let to = from + Int64.random(in: 0...(9 * 86_400_000), using: &rng) / alignment * alignment
            let range = TimeRange(
                from: Timestamp(millisecondsSinceEpoch: from),
                to: Timestamp(millisecondsSinceEpoch: to)
            )
            let plan = RollupPlan(range: range)
            let pieces = Self.pieces(plan)
            var cursor = from
            for (lower, upper) in pieces {
                #expect(lower == cursor, "gap or overlap at \(cursor) in \(range)")
                #expect(lower < upper)
                cursor = upper
            }
            #expect(cursor == (from < to ? to : from), "\(range)")
            // A piece left for the events holds no whole bucket of the finest level.
            let finest = RollupLevel.ranged.last!.width
            for raw in plan.raw {
                let (lower, upper) = (raw.from!.millisecondsSinceEpoch, raw.to!.millisecondsSinceEpoch)
                #expect((lower + finest - 1) / finest >= upper / finest, "\(raw) in \(range)")
            }
            // A range of whole days is read from the day-wide levels alone, as the fewest aligned blocks: at most
            // one day and one two-day block on each side of the four-day blocks.
            if alignment == 86_400_000 && from < to {
                #expect(plan.raw.isEmpty)
                #expect(plan.spans.allSatisfy { $0.level.width >= 86_400_000 }, "\(range)")
                let blocks = plan.spans.reduce(Int64(0)) { $0 + $1.span.upper! - $1.span.lower! }
                #expect(blocks <= (to - from) / (4 * 86_400_000) + 4, "\(range)")
            }
        }
    }

    /// A range open on one side reads an unbounded span of the coarsest level on that side.
    @Test func openRangesAreUnboundedSpans() {
        let at = Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + 90_000)
        let after = RollupPlan(range: TimeRange(from: at))
        #expect(after.spans.first?.span.upper == nil && after.spans.first?.span.lower != nil)
        #expect(after.raw.count == 1 && after.raw[0].from == at)
        let before = RollupPlan(range: TimeRange(to: at))
        #expect(before.spans.first?.span.lower == nil)
        #expect(before.raw.count == 1 && before.raw[0].to == at)
    }
}
