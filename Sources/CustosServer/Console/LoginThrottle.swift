import CustosCore
import Synchronization

/// Slows password guessing: after ``maximumFailures`` failed sign-ins for one username (key `user:NAME`), or
/// ``maximumAddressFailures`` from one client address (key `ip:ADDRESS`), within ``windowMilliseconds``, further
/// attempts for it are refused until the window has passed.
public final class LoginThrottle: Sendable {
    private let failures = Mutex<[String: [Int64]]>([:])
    /// Failures allowed for one username in one window.
    public let maximumFailures: Int
    /// Failures allowed from one client address in one window (higher: several people may share an address).
    public let maximumAddressFailures: Int
    /// The window, in milliseconds.
    public let windowMilliseconds: Int64

    /// Creates a throttle.
    public init(maximumFailures: Int = 5, maximumAddressFailures: Int = 20, windowMilliseconds: Int64 = 15 * 60_000) {
        self.maximumFailures = maximumFailures
        self.maximumAddressFailures = maximumAddressFailures
        self.windowMilliseconds = windowMilliseconds
    }

    /// Whether an attempt for any of `keys` (`user:NAME`, `ip:ADDRESS`) is refused at `now`.
    public func isBlocked(_ keys: [String], now: Timestamp) -> Bool {
        failures.withLock { table in
            keys.contains { key in
                (table[key] ?? []).filter { now.millisecondsSinceEpoch - $0 < windowMilliseconds }.count
                    >= (key.hasPrefix("ip:") ? maximumAddressFailures : maximumFailures)
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
