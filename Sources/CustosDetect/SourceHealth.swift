/// What the ``HealthMonitor`` remembers of one source (one `app`): when it first and last sent an event, the recent
/// gaps between its events, the longest gap of each recent day, and whether its current silence was reported.
struct SourceHealth: Sendable, Hashable, Codable {
    /// The longest gap that ended on one (UTC) day.
    struct DayGap: Sendable, Hashable, Codable {
        /// Days since the epoch.
        var day: Int64
        /// The gap in milliseconds.
        var gap: Int64
    }

    /// The first event time seen from the source (milliseconds since the epoch).
    var firstMilliseconds: Int64
    /// The latest event time seen from the source (milliseconds since the epoch).
    var lastMilliseconds: Int64
    /// That event, as evidence.
    var lastEvent: EventReference
    /// Events seen from the source.
    var events: Int64 = 1
    /// The most recent gaps between its events (milliseconds), a ring of at most ``gapCapacity``.
    var gaps: [Int64] = []
    /// Where the next gap goes once the ring is full.
    var nextGap = 0
    /// The longest ordinary gap of each recent day, oldest first (reported silences are not ordinary).
    var longestByDay: [DayGap] = []
    /// Whether the silence since ``lastMilliseconds`` was reported.
    var reported = false

    /// The gaps remembered.
    static let gapCapacity = 255
    private static let dayMilliseconds: Int64 = 86_400_000

    /// Creates the state of a source first seen at `time`.
    init(time: Int64, event: EventReference) {
        firstMilliseconds = time
        lastMilliseconds = time
        lastEvent = event
    }

    /// Takes in an event at `time`, keeping the longest gaps of the last `historyDays` days; a late event (older
    /// than the latest) counts but leaves the gaps alone.
    mutating func observe(time: Int64, event: EventReference, historyDays: Int) {
        events += 1
        guard time >= lastMilliseconds else { return }
        let gap = time - lastMilliseconds
        if gaps.count < Self.gapCapacity {
            gaps.append(gap)
        } else {
            gaps[nextGap] = gap
            nextGap = (nextGap + 1) % Self.gapCapacity
        }
        if !reported {
            let day = time >= 0 ? time / Self.dayMilliseconds : (time + 1) / Self.dayMilliseconds - 1
            if let last = longestByDay.last, last.day == day {
                longestByDay[longestByDay.count - 1].gap = max(last.gap, gap)
            } else {
                longestByDay.append(DayGap(day: day, gap: gap))
            }
            longestByDay.removeAll { $0.day <= day - Int64(historyDays) }
        }
        lastMilliseconds = time
        lastEvent = event
        reported = false
    }

    /// The median of the remembered gaps (milliseconds); nil before the first gap.
    var medianGap: Int64? {
        guard !gaps.isEmpty else { return nil }
        let sorted = gaps.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The median over the remembered days of each day's longest ordinary gap (milliseconds): how long the source
    /// is usually quiet once a day (its night); 0 when there is no day yet.
    var typicalDailyLongestGap: Int64 {
        guard !longestByDay.isEmpty else { return 0 }
        let sorted = longestByDay.map(\.gap).sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
