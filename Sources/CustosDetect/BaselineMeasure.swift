/// A per-user daily measure the ``BaselineDetector`` compares with the user's own history and with their peers.
public enum BaselineMeasure: String, Sendable, Hashable, Codable, CaseIterable {
    /// Rows exported in a local day (`rows` of `export` events).
    case dailyRows = "daily_rows"
    /// Distinct subjects (people) accessed in a local day.
    case dailySubjects = "daily_subjects"
    /// Searches in one local clock hour (the day's busiest hour in the history).
    case hourlySearches = "hourly_searches"

    /// The finding's rule id: `baseline.daily_rows`, ….
    public var ruleID: String { "baseline." + rawValue }
}

/// A first-seen detector of the ``BaselineDetector``: a value the user has not used before.
public enum FirstSeenKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A device (`actor.device`) neither seen nor registered to the user in the directory.
    case device
    /// An IPv4 /24 or IPv6 /48 (`actor.ip`) neither seen nor holding one of the user's directory addresses.
    case network
    /// A dataset (`resource.dataset`) the user has not accessed before.
    case dataset

    /// The finding's rule id: `baseline.new_device`, ….
    public var ruleID: String { "baseline.new_" + rawValue }
}
