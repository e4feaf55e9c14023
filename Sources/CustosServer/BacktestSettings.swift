public import CustosDetect

/// How `POST /v1/rules/backtest` runs: how much history one back-test may replay, how many run at once, and the
/// reference data events are enriched from (the data directory's `entities.json`, when there is one).
public struct BacktestSettings: Sendable {
    /// The most events one back-test replays; a range holding more is refused (400 `too-many-events`).
    public var maximumEvents: Int
    /// The most back-tests running at once; another is answered 503 with `Retry-After`.
    public var maximumConcurrent: Int
    /// The reference data for `enrichment.*` fields; nil leaves them out (reference rules never fire).
    public var reference: ReferenceEnrichment?

    /// Creates settings.
    public init(maximumEvents: Int = 1_000_000, maximumConcurrent: Int = 2, reference: ReferenceEnrichment? = nil) {
        self.maximumEvents = maximumEvents
        self.maximumConcurrent = maximumConcurrent
        self.reference = reference
    }
}
