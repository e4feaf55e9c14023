import CustosCore
import Synchronization

/// Slows password guessing: after ``maximumFailures`` failed sign-ins for one username, or from one client address,
/// within ``windowMilliseconds``, further attempts for it are refused until the window has passed.
public final class LoginThrottle: Sendable {
    private let failures = Mutex<[String: [Int64]]>([:])
    /// Failures allowed in one window.
    public let maximumFailures: Int
    /// The window, in milliseconds.
    public let windowMilliseconds: Int64

    /// Creates a throttle.
    public init(maximumFailures: Int = 5, windowMilliseconds: Int64 = 15 * 60_000) {
        self.maximumFailures = maximumFailures
        self.windowMilliseconds = windowMilliseconds
    }

    /// Whether an attempt for any of `keys` (`user:NAME`, `ip:ADDRESS`) is refused at `now`.
    public func isBlocked(_ keys: [String], now: Timestamp) -> Bool {
        failures.withLock { table in
            keys.contains { key in
                (table[key] ?? []).filter { now.millisecondsSinceEpoch - $0 < windowMilliseconds }.count
                    >= maximumFailures
            }
        }
    }

    /// Counts a failed attempt against each of `keys`.
    public func recordFailure(_ keys: [String], now: Timestamp) {
        failures.withLock { table in
            if table.count > 100_000 { table.removeAll() }
            for key in keys {
                var list = (table[key] ?? []).filter { now.millisecondsSinceEpoch - $0 < windowMilliseconds }
                list.append(now.millisecondsSinceEpoch)
                table[key] = list
            }
        }
    }

    /// Forgets the failures of `keys` (after a successful sign-in).
    public func reset(_ keys: [String]) {
        failures.withLock { table in for key in keys { table[key] = nil } }
    }
}
