public import CustosCore

/// Where webhook deliveries wait (the outbox) and where the ones that could not be delivered stay (the dead-letter
/// list). A delivery is stored durably before its first attempt; each attempt's outcome is written back.
public protocol DeliveryOutbox: Sendable {
    /// Stores new deliveries in one durable transaction.
    func enqueue(_ deliveries: [WebhookDelivery]) async throws

    /// Writes back a delivery's state after an attempt or a manual retry (matched by id; the body is not changed).
    func update(_ delivery: WebhookDelivery) async throws

    /// The delivery with this id.
    func delivery(id: String) async throws -> WebhookDelivery?

    /// Pending deliveries, the earliest due first, at most `limit`.
    func pendingDeliveries(limit: Int) async throws -> [WebhookDelivery]

    /// Deliveries with the given status (any when nil), newest first: a page of at most `limit` after `cursor`
    /// (the position of the last one of the previous page) and the cursor of the next page, nil on the last.
    func deliveries(
        status: WebhookDelivery.Status?,
        cursor: Int64?,
        limit: Int
    ) async throws
        -> (deliveries: [WebhookDelivery], nextCursor: Int64?)
}
