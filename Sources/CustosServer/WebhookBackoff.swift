import Foundation

/// When to try a failed webhook delivery again: exponential backoff with jitter, stretched by a `Retry-After`.
///
/// After attempt `n` (1-based) the delay is `min(cap, base × 2^(n-1))` scaled by a jitter factor in `[0.5, 1]`
/// (so many deliveries failing together do not return together); a `Retry-After` longer than that replaces it, up
/// to ``maximumRetryAfterSeconds``.
public enum WebhookBackoff {
    /// The longest `Retry-After` honoured, in seconds.
    public static let maximumRetryAfterSeconds: Double = 3600

    /// The delay in seconds after attempt `attempt` failed.
    public static func delay(
        afterAttempt attempt: Int,
        baseSeconds: Double,
        capSeconds: Double,
        jitter: Double,
        retryAfterSeconds: Double? = nil
    ) -> Double {
        let exponent = Double(max(0, min(attempt - 1, 60)))
        let backoff = min(capSeconds, baseSeconds * pow(2, exponent)) * min(1, max(0.5, jitter))
        guard let retryAfterSeconds, retryAfterSeconds > backoff else { return backoff }
        return min(retryAfterSeconds, maximumRetryAfterSeconds)
    }

    /// A `Retry-After` header value in seconds from `now`: delay-seconds or an HTTP-date; nil when unreadable.
    public static func retryAfterSeconds(_ value: String, now: Date = Date()) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text) { return seconds >= 0 ? Double(seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
