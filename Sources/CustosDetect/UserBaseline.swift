/// The ``BaselineDetector``'s state for one user: today's running measures, the completed active days of the rolling
/// window, and the values first-seen detection remembers. Its size is bounded by the configuration (window days,
/// first-seen capacity) and the distinct subjects of one day, whatever the length of the stream.
struct UserBaseline: Sendable, Hashable, Codable {
    /// One completed active day.
    struct Day: Sendable, Hashable, Codable {
        /// Local day number.
        var day: Int64
        /// Rows exported.
        var rows: Int64
        /// Distinct subjects accessed.
        var subjects: Int32
        /// Searches in the busiest local hour.
        var hourlySearches: Int32
        /// Bit h set: active in local hour h.
        var hours: UInt32

        func value(_ measure: BaselineMeasure) -> Double {
            switch measure {
            case .dailyRows: Double(rows)
            case .dailySubjects: Double(subjects)
            case .hourlySearches: Double(hourlySearches)
            }
        }
    }

    /// The local day being accumulated.
    var day: Int64
    /// Rows exported today, and the time of the first export (ms).
    var rows: Int64 = 0
    var rowsSince: Int64 = 0
    /// Distinct subjects today, and the time of the first access to one.
    var subjects: Set<String> = []
    var subjectsSince: Int64 = 0
    /// The current local hour (hours since the epoch), its searches and the day's busiest hour so far.
    var hour: Int64 = 0
    var hourSearches: Int32 = 0
    var hourSince: Int64 = 0
    var busiestHour: Int32 = 0
    /// Local hours active today.
    var hours: UInt32 = 0
    /// Bit per measure / detector already reported today.
    var reported: UInt32 = 0
    /// Completed active days in the window, oldest first.
    var history: [Day] = []
    /// First-seen values and the last local day each was used.
    var seen: [FirstSeenKind: [String: Int64]] = [:]

    init(day: Int64) { self.day = day }

    /// Closes today into the history and starts `newDay`, dropping days outside the window.
    mutating func roll(to newDay: Int64, windowDays: Int) {
        history.append(
            Day(
                day: day,
                rows: rows,
                subjects: Int32(clamping: subjects.count),
                hourlySearches: max(busiestHour, hourSearches),
                hours: hours
            )
        )
        history.removeAll { $0.day <= newDay - Int64(windowDays) }
        day = newDay
        rows = 0
        subjects = []
        hourSearches = 0
        busiestHour = 0
        hours = 0
        reported = 0
    }

    /// An honest estimate of the bytes this state holds: the struct, the history buffer, and every set and
    /// dictionary entry with its string storage (strings over 15 UTF-8 bytes live on the heap).
    var estimatedBytes: Int {
        func stringBytes(_ s: String) -> Int { s.utf8.count > 15 ? s.utf8.count + 32 : 0 }
        var bytes = MemoryLayout<UserBaseline>.stride
        bytes += history.capacity * MemoryLayout<Day>.stride + 32
        bytes += subjects.count * (MemoryLayout<String>.stride + 8) + subjects.reduce(0) { $0 + stringBytes($1) } + 64
        for (_, values) in seen {
            bytes += 64 + values.count * (MemoryLayout<String>.stride + 16)
            bytes += values.keys.reduce(0) { $0 + stringBytes($1) }
        }
        return bytes
    }
}
