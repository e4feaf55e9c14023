/// What one attempt to post a webhook delivery came to.
enum WebhookAttemptOutcome: Sendable, Hashable {
    /// The endpoint answered 2xx.
    case delivered(status: Int)
    /// Worth trying again: a network error, a timeout, 408, 429 or 5xx (with the `Retry-After` in seconds, if any).
    case retryable(status: Int?, error: String, retryAfterSeconds: Double?)
    /// Refused for good: any other status (3xx, 4xx); retrying the same bytes would be refused the same way.
    case refused(status: Int, error: String)

    /// Classifies an HTTP answer.
    static func of(status: Int, retryAfterSeconds: Double?) -> WebhookAttemptOutcome {
        switch status {
        case 200...299: .delivered(status: status)
        case 408, 429, 500...599:
            .retryable(status: status, error: "HTTP \(status)", retryAfterSeconds: retryAfterSeconds)
        default: .refused(status: status, error: "HTTP \(status) (not retried)")
        }
    }
}
