public import CustosCore

/// One notification on its way to one webhook endpoint: what is sent (the exact body bytes, so every attempt sends
/// and signs the same bytes) and how far delivery has got. Kept in a ``DeliveryOutbox`` from before the first attempt
/// until it is delivered or dead-lettered, so nothing is lost across restarts.
public struct WebhookDelivery: Sendable, Hashable {
    /// Where a delivery stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Waiting for its next attempt (at ``WebhookDelivery/nextAttempt``).
        case pending
        /// The endpoint answered 2xx.
        case delivered
        /// The dead-letter list: attempts exhausted, or refused with a 4xx that is not worth retrying.
        case dead
    }

    /// The delivery id (`dlv_…`), sent as `Custos-Delivery` so receivers can drop duplicates.
    public var id: String
    /// The name of the endpoint (from the server configuration), never its URL or secret.
    public var endpoint: String
    /// The notification kind (`alert.opened`, `ping`, …), sent as `Custos-Event`.
    public var kind: String
    /// The request body, canonical JSON, exactly as sent and signed.
    public var body: [UInt8]
    /// When the notification was accepted.
    public var created: Timestamp
    /// Where delivery stands.
    public var status: Status
    /// Attempts made since it was created or last retried by hand.
    public var attempts: Int
    /// When the next attempt is due (pending deliveries only).
    public var nextAttempt: Timestamp
    /// When the last attempt was made.
    public var lastAttempt: Timestamp?
    /// The HTTP status the endpoint last answered, if it answered.
    public var lastStatus: Int?
    /// Why the last attempt failed (`HTTP 503`, `timed out after 10 s`, `connection refused`), if it did.
    public var lastError: String?
    /// When the endpoint accepted it.
    public var delivered: Timestamp?

    /// Creates a delivery.
    public init(
        id: String,
        endpoint: String,
        kind: String,
        body: [UInt8],
        created: Timestamp,
        status: Status = .pending,
        attempts: Int = 0,
        nextAttempt: Timestamp,
        lastAttempt: Timestamp? = nil,
        lastStatus: Int? = nil,
        lastError: String? = nil,
        delivered: Timestamp? = nil
    ) {
        self.id = id
        self.endpoint = endpoint
        self.kind = kind
        self.body = body
        self.created = created
        self.status = status
        self.attempts = attempts
        self.nextAttempt = nextAttempt
        self.lastAttempt = lastAttempt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.delivered = delivered
    }
}
