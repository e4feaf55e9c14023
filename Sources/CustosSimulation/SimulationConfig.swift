import CustosCore

/// The knobs of one simulated agency run. The same configuration always yields byte-identical outputs.
///
/// A run models `officers` field officers plus support staff (supervisors, analysts, records clerks, IT admins) and
/// three service accounts, spread over five org units in four time zones, for `days` days from `start`. The first
/// `warmUpDays` days hold only ordinary activity (the baseline a detector learns from); misuse scenarios and labelled
/// benign look-alikes are mixed in afterwards. See docs/simulation.md for the outputs, the entity types and every
/// scenario kind.
public struct SimulationConfig: Sendable, Hashable {
    /// How many field officers the agency has (support staff is added in proportion). At least 1.
    public var officers: Int
    /// How many days to simulate. At least 1.
    public var days: Int
    /// The seed of every random choice; different seeds give different agencies and different activity.
    public var seed: UInt64
    /// Midnight UTC of the first simulated day (default 2026-10-01T00:00:00Z).
    public var start: Timestamp
    /// The leading days with ordinary activity only (default `min(14, days / 2)`).
    public var warmUpDays: Int
    /// Misuse incidents injected per officer per post-warm-up day (default 0.004, i.e. about one incident per
    /// 250 officer-days). Every scenario kind is injected at least once when there is a post-warm-up day.
    public var misuseRate: Double
    /// Labelled benign look-alikes (common-surname matches, night-shift nights) per officer per post-warm-up day
    /// (default 0.004). Scheduled service-account exports are labelled on every post-warm-up day regardless.
    public var benignLookAlikeRate: Double
    /// Multiplies the amount of ordinary work per shift (default 1: about 100 events per officer shift, so
    /// 500 officers × 30 days give roughly one million events).
    public var activityScale: Double

    /// 2026-10-01T00:00:00Z, the default start.
    public static let defaultStart = Timestamp(millisecondsSinceEpoch: 1_790_812_800_000)

    /// Creates a configuration; `warmUpDays` defaults to `min(14, days / 2)`.
    public init(
        officers: Int,
        days: Int,
        seed: UInt64,
        start: Timestamp = SimulationConfig.defaultStart,
        warmUpDays: Int? = nil,
        misuseRate: Double = 0.004,
        benignLookAlikeRate: Double = 0.004,
        activityScale: Double = 1
    ) {
        self.officers = max(1, officers)
        self.days = max(1, days)
        self.seed = seed
        self.start = Timestamp(millisecondsSinceEpoch: start.dayNumber * 86_400_000)
        self.warmUpDays = min(max(0, warmUpDays ?? min(14, self.days / 2)), self.days)
        self.misuseRate = max(0, misuseRate)
        self.benignLookAlikeRate = max(0, benignLookAlikeRate)
        self.activityScale = max(0, activityScale)
    }
}
