public import CustosStore

/// What a manual retry of a webhook delivery did.
public enum WebhookRetryResult: Sendable, Hashable {
    /// Queued for an attempt now (or already being attempted).
    case requeued(WebhookDelivery)
    /// It was delivered; nothing to do.
    case alreadyDelivered(WebhookDelivery)
    /// Its endpoint is no longer configured.
    case endpointMissing(WebhookDelivery)
    /// No delivery has that id.
    case notFound
}
