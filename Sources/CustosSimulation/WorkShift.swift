/// A working shift in local time; night shifts run past local midnight.
enum WorkShift: String, Sendable, Hashable, CaseIterable {
    /// 08:00–16:30 local.
    case day
    /// 15:00–23:30 local.
    case evening
    /// 22:00–06:30 local (ends the next morning).
    case night

    /// Minutes after local midnight at which the shift begins.
    var startMinute: Int {
        switch self {
        case .day: 8 * 60
        case .evening: 15 * 60
        case .night: 22 * 60
        }
    }

    /// The shift's nominal length in minutes.
    var lengthMinutes: Int { 510 }

    /// The chance of working on a weekday and on a weekend day.
    var attendance: (weekday: Double, weekend: Double) {
        switch self {
        case .day: (0.92, 0.12)
        case .evening: (0.86, 0.35)
        case .night: (0.86, 0.45)
        }
    }
}
