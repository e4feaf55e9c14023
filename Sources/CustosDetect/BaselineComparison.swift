/// One user's daily values of a ``BaselineMeasure`` over the baseline window, beside their own median and their
/// peer group's (same role and org unit) median, quartile band and alerting percentile for the same days: what the
/// console's alert page draws as "the user's measure against their baseline and peers". Built from the
/// ``BaselineDetector``'s saved state with ``BaselineSnapshot/comparison(actor:measure:directory:configuration:)``.
public struct BaselineComparison: Sendable, Hashable {
    /// One local day of the window.
    public struct Day: Sendable, Hashable {
        /// The local day (days since 1970-01-01 in the user's org-unit time zone).
        public var day: Int64
        /// The user's value; nil when the user was not active that day.
        public var value: Double?
        /// The median of the peers active that day; nil when none was.
        public var peerMedian: Double?
        /// The 25th and 75th percentiles of the peers active that day; nil when none was.
        public var peerLow: Double?
        /// See ``peerLow``.
        public var peerHigh: Double?
    }

    /// The measure compared.
    public var measure: BaselineMeasure
    /// Every local day of the window that ends on the user's last completed active day, oldest first.
    public var days: [Day]
    /// The median of the user's active days in the window (their baseline).
    public var userMedian: Double
    /// The user's active days in the window.
    public var activeDays: Int
    /// The user's peer group (`role/org unit`), when the directory names one.
    public var peerGroup: String?
    /// Peers with at least one completed day in the window (whose days make the median and band).
    public var peers: Int
    /// Peers with the history the detector requires (``BaselineConfiguration/minimumActiveDays``).
    public var comparedPeers: Int
    /// The median and quartiles of every peer day in the window; nil without peers.
    public var peerMedian: Double?
    /// See ``peerMedian``.
    public var peerLow: Double?
    /// See ``peerMedian``.
    public var peerHigh: Double?
    /// The ``BaselineConfiguration/peerPercentile``th percentile of the compared peers' days, the level the detector
    /// requires a value to exceed; nil when fewer than ``BaselineConfiguration/minimumPeers`` peers are compared.
    public var peerAlertLevel: Double?
}

extension BaselineSnapshot {
    /// The comparison of `actor`'s `measure` with their baseline and peers, over the completed days of the window
    /// the snapshot holds; nil when the snapshot has no completed day of `actor`.
    public func comparison(
        actor: String,
        measure: BaselineMeasure,
        directory: BaselineDirectory,
        configuration: BaselineConfiguration
    ) -> BaselineComparison? {
        guard let user = users[actor], let last = user.history.last?.day else { return nil }
        let first = last - Int64(configuration.windowDays) + 1
        let own = Dictionary(user.history.map { ($0.day, $0.value(measure)) }, uniquingKeysWith: { $1 })
        let group = directory.users[actor]?.peerGroup
        var peerDays: [Int64: [Double]] = [:]
        var all: [Double] = []
        var compared: [Double] = []
        var peers = 0
        var comparedPeers = 0
        if let group, let members = directory.peerGroups[group] {
            for member in members where member != actor {
                guard let other = users[member] else { continue }
                let inWindow = other.history.filter { $0.day >= first && $0.day <= last }
                guard !inWindow.isEmpty else { continue }
                peers += 1
                for past in inWindow {
                    peerDays[past.day, default: []].append(past.value(measure))
                    all.append(past.value(measure))
                }
                if other.history.count >= configuration.minimumActiveDays {
                    comparedPeers += 1
                    compared += inWindow.map { $0.value(measure) }
                }
            }
        }
        let days = (first...last).map { day in
            let values = peerDays[day] ?? []
            return BaselineComparison.Day(
                day: day,
                value: own[day],
                peerMedian: values.isEmpty ? nil : RobustStatistics.median(values),
                peerLow: values.isEmpty ? nil : RobustStatistics.percentile(values, 25),
                peerHigh: values.isEmpty ? nil : RobustStatistics.percentile(values, 75)
            )
        }
        let history = user.history.filter { $0.day >= first }.map { $0.value(measure) }
        return BaselineComparison(
            measure: measure,
            days: days,
            userMedian: RobustStatistics.median(history),
            activeDays: history.count,
            peerGroup: group,
            peers: peers,
            comparedPeers: comparedPeers,
            peerMedian: all.isEmpty ? nil : RobustStatistics.median(all),
            peerLow: all.isEmpty ? nil : RobustStatistics.percentile(all, 25),
            peerHigh: all.isEmpty ? nil : RobustStatistics.percentile(all, 75),
            peerAlertLevel: comparedPeers < configuration.minimumPeers || compared.isEmpty
                ? nil : RobustStatistics.percentile(compared, configuration.peerPercentile)
        )
    }
}
