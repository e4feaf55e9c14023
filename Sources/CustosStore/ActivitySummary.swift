public import CustosCore

/// The number of dataset accesses in one UTC day, from the dataset rollups.
public struct ActivityBucket: Sendable, Hashable {
    /// The start of the day.
    public var start: Timestamp
    /// Events that touched a dataset in that day.
    public var events: Int64

    /// Creates a bucket.
    public init(start: Timestamp, events: Int64) {
        self.start = start
        self.events = events
    }
}

/// One dataset's use over all time, from the dataset totals rollup.
public struct DatasetTotal: Sendable, Hashable {
    /// The dataset.
    public var dataset: String
    /// Events.
    public var events: Int64
    /// Rows, summed.
    public var rows: Int64
    /// Distinct actors.
    public var actors: Int64
    /// Time of the last access.
    public var last: Timestamp

    /// Creates a total.
    public init(dataset: String, events: Int64, rows: Int64, actors: Int64, last: Timestamp) {
        self.dataset = dataset
        self.events = events
        self.rows = rows
        self.actors = actors
        self.last = last
    }
}

/// Aggregate views over the whole store for the console's overview, answered from rollups.
public protocol ActivityStore: Sendable {
    /// Dataset accesses per UTC day over `range` (days with none are left out), oldest first.
    func dailyActivity(range: TimeRange) async throws -> [ActivityBucket]
    /// Every dataset with its totals, the busiest first, at most `limit`.
    func datasetTotals(limit: Int) async throws -> [DatasetTotal]
}
