import AsyncHTTPClient
public import CustosCore
public import CustosStore
import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// Delivers notifications (`alert.opened`, `alert.updated`, `alert.triaged`, `ping`) to the configured webhook
/// endpoints: signed, persisted before the first attempt, retried with backoff, dead-lettered when they cannot be
/// delivered (docs/notifications.md).
///
/// ```swift
/// let notifier = WebhookNotifier(endpoints: configuration.webhooks, outbox: store)
/// let sender = Task { await notifier.run() }          // resumes deliveries left pending by a previous run
/// try await notifier.notify(kind: "alert.opened", payload: alert.jsonValue)
/// ```
///
/// ``notify(kind:payload:)`` returns once every delivery is durable in the outbox; ``run()`` sends them. Delivery
/// is at least once: a delivery whose attempt was cut short by a shutdown is sent again (with the same
/// `Custos-Delivery` id) after the restart.
public actor WebhookNotifier {
    /// The kind of the test notification, delivered to every endpoint whatever its filter.
    public static let pingKind = "ping"

    /// The configured endpoints.
    public nonisolated let endpoints: [WebhookEndpoint]
    private let outbox: any DeliveryOutbox
    private let clock: @Sendable () -> Timestamp
    private let jitter: @Sendable () -> Double
    private let logger: Logger
    private let maximumConcurrentAttempts: Int
    private var client: HTTPClient?
    private var inFlight: Set<String> = []
    /// Attempts finished so far: a read of the outbox that overlapped one may be stale and is read again.
    private var finishedAttempts = 0
    private var waiter: CheckedContinuation<Void, Never>?
    private var signalled = false

    /// Creates a notifier; nothing is sent until ``run()``.
    ///
    /// - Parameters:
    ///   - jitter: the backoff jitter factor, in `[0.5, 1]` (tests pin it to make delays exact).
    ///   - maximumConcurrentAttempts: the most requests in flight at once, over all endpoints.
    public init(
        endpoints: [WebhookEndpoint],
        outbox: any DeliveryOutbox,
        clock: @escaping @Sendable () -> Timestamp = CustosAPI.systemClock,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1) },
        logger: Logger = Logger(label: "custos.webhooks"),
        maximumConcurrentAttempts: Int = 16
    ) {
        self.endpoints = endpoints
        self.outbox = outbox
        self.clock = clock
        self.jitter = jitter
        self.logger = logger
        self.maximumConcurrentAttempts = max(1, maximumConcurrentAttempts)
    }

    /// Queues `payload` for every endpoint whose filter accepts `kind`; returns the new deliveries once they are
    /// durable (none when no endpoint wants the kind).
    ///
    /// - Throws: ``WebhookKindError`` for a kind that is not 1–128 letters, digits, `.`, `_` or `-`; the outbox's
    ///   error when it cannot store them (then nothing was queued).
    @discardableResult
    public func notify(kind: String, payload: JSONValue) async throws -> [WebhookDelivery] {
        try await enqueue(kind: kind, payload: payload, to: endpoints.filter { $0.accepts(kind) })
    }

    /// Queues a `ping` for the endpoint named `endpoint`, or for every endpoint when nil; returns the deliveries
    /// (empty when no endpoint has that name).
    @discardableResult
    public func ping(endpoint: String? = nil) async throws -> [WebhookDelivery] {
        let targets = endpoints.filter { endpoint == nil || $0.name == endpoint }
        let payload = JSONValue.object(JSONObject([("message", .string("Custos webhook test"))]))
        return try await enqueue(kind: Self.pingKind, payload: payload, to: targets)
    }

    /// The delivery with this id.
    public nonisolated func delivery(id: String) async throws -> WebhookDelivery? {
        try await outbox.delivery(id: id)
    }

    /// Deliveries with a status (any when nil), newest first, a page at a time (see ``DeliveryOutbox``).
    public nonisolated func deliveries(
        status: WebhookDelivery.Status?,
        cursor: Int64?,
        limit: Int
    ) async throws
        -> (deliveries: [WebhookDelivery], nextCursor: Int64?)
    {
        try await outbox.deliveries(status: status, cursor: cursor, limit: limit)
    }

    /// Puts a dead (or waiting) delivery back in the queue for an attempt now; a dead one starts a fresh series of
    /// attempts.
    public func retry(id: String) async throws -> WebhookRetryResult {
        guard var delivery = try await outbox.delivery(id: id) else { return .notFound }
        guard endpoints.contains(where: { $0.name == delivery.endpoint }) else { return .endpointMissing(delivery) }
        switch delivery.status {
        case .delivered:
            return .alreadyDelivered(delivery)
        case .pending where inFlight.contains(id):
            return .requeued(delivery)
        case .pending, .dead:
            if delivery.status == .dead { delivery.attempts = 0 }
            delivery.status = .pending
            delivery.nextAttempt = clock()
            try await outbox.update(delivery)
            logger.info(
                "webhook delivery requeued by hand",
                metadata: ["delivery": "\(id)", "endpoint": "\(delivery.endpoint)"]
            )
            signal()
            return .requeued(delivery)
        }
    }

    /// Sends due deliveries until the task is cancelled, starting with those a previous run left pending.
    ///
    /// On cancellation, attempts in flight are abandoned without being counted; their deliveries stay pending.
    public func run() async {
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow)
        )
        self.client = client
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                var wake: Timestamp?
                do {
                    let finished = finishedAttempts
                    let pending = try await outbox.pendingDeliveries(limit: maximumConcurrentAttempts + inFlight.count)
                    // An attempt that ended during the read may show as due and no longer in flight: read again.
                    if finishedAttempts != finished { continue }
                    let now = clock()
                    for delivery in pending where !inFlight.contains(delivery.id) {
                        if delivery.nextAttempt > now {
                            wake = delivery.nextAttempt
                            break
                        }
                        guard inFlight.count < maximumConcurrentAttempts else { break }
                        inFlight.insert(delivery.id)
                        group.addTask { await self.attempt(delivery) }
                    }
                } catch {
                    logger.error("cannot read the webhook outbox", metadata: ["error": "\(error)"])
                    wake = Timestamp(millisecondsSinceEpoch: clock().millisecondsSinceEpoch + 1000)
                }
                await sleep(until: wake)
            }
        }
        self.client = nil
        try? await client.shutdown()
    }

    // MARK: - Queueing

    private func enqueue(
        kind: String,
        payload: JSONValue,
        to targets: [WebhookEndpoint]
    ) async throws
        -> [WebhookDelivery]
    {
        guard WebhookKindError.isValid(kind) else { throw WebhookKindError(kind: kind) }
        guard !targets.isEmpty else { return [] }
        let now = clock()
        let deliveries = targets.map { endpoint in
            let id = Self.newDeliveryID()
            let body = JSONValue.object(
                JSONObject([
                    ("id", .string(id)), ("kind", .string(kind)), ("created", .string(now.rfc3339)),
                    ("data", payload),
                ])
            )
            return WebhookDelivery(
                id: id,
                endpoint: endpoint.name,
                kind: kind,
                body: CanonicalJSON.encode(body),
                created: now,
                nextAttempt: now
            )
        }
        try await outbox.enqueue(deliveries)
        signal()
        return deliveries
    }

    private static func newDeliveryID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "dlv_"
            + (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    // MARK: - Attempts

    private func attempt(_ delivery: WebhookDelivery) async {
        defer {
            inFlight.remove(delivery.id)
            finishedAttempts += 1
            signal()
        }
        var updated = delivery
        let started = clock()
        guard let endpoint = endpoints.first(where: { $0.name == delivery.endpoint }) else {
            updated.status = .dead
            updated.lastError = "no endpoint named '\(delivery.endpoint)' is configured"
            updated.lastAttempt = started
            await save(updated)
            return
        }
        guard let client else { return }
        let outcome = await Self.send(delivery, to: endpoint, client: client, now: clock)
        // A failure during shutdown may be the shutdown itself: not counted, the delivery stays due.
        if Task.isCancelled, case .retryable = outcome { return }
        updated.attempts += 1
        updated.lastAttempt = started
        var metadata: Logger.Metadata = [
            "delivery": "\(delivery.id)", "endpoint": "\(endpoint.name)", "kind": "\(delivery.kind)",
            "attempt": "\(updated.attempts)",
        ]
        switch outcome {
        case .delivered(let status):
            updated.status = .delivered
            updated.lastStatus = status
            updated.lastError = nil
            updated.delivered = clock()
            logger.debug("webhook delivered", metadata: metadata)
        case .refused(let status, let error):
            updated.status = .dead
            updated.lastStatus = status
            updated.lastError = error
            metadata["error"] = "\(error)"
            logger.warning("webhook refused; dead-lettered", metadata: metadata)
        case .retryable(let status, let error, let retryAfter):
            updated.lastStatus = status
            updated.lastError = error
            metadata["error"] = "\(error)"
            if updated.attempts >= endpoint.maximumAttempts {
                updated.status = .dead
                logger.warning("webhook attempts exhausted; dead-lettered", metadata: metadata)
            } else {
                let seconds = WebhookBackoff.delay(
                    afterAttempt: updated.attempts,
                    baseSeconds: endpoint.backoffBaseSeconds,
                    capSeconds: endpoint.backoffCapSeconds,
                    jitter: jitter(),
                    retryAfterSeconds: retryAfter
                )
                updated.nextAttempt = Timestamp(
                    millisecondsSinceEpoch: clock().millisecondsSinceEpoch + Int64((seconds * 1000).rounded(.up))
                )
                metadata["retry_in_seconds"] = "\(seconds)"
                logger.notice("webhook attempt failed; will retry", metadata: metadata)
            }
        }
        await save(updated)
    }

    private func save(_ delivery: WebhookDelivery) async {
        let outbox = self.outbox
        // Written from a task of its own, so that shutting the sender down does not lose an attempt's result.
        let written = await Task { try await outbox.update(delivery) }.result
        if case .failure(let error) = written {
            logger.error(
                "cannot record a webhook attempt",
                metadata: ["delivery": "\(delivery.id)", "error": "\(error)"]
            )
        }
    }

    /// Posts one delivery, signed at the moment of sending.
    private static func send(
        _ delivery: WebhookDelivery,
        to endpoint: WebhookEndpoint,
        client: HTTPClient,
        now: @Sendable () -> Timestamp
    ) async -> WebhookAttemptOutcome {
        let timestamp = now().millisecondsSinceEpoch / 1000
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "custos-webhooks/1")
        request.headers.add(name: "Custos-Event", value: delivery.kind)
        request.headers.add(name: "Custos-Delivery", value: delivery.id)
        request.headers.add(name: "Custos-Timestamp", value: String(timestamp))
        request.headers.add(
            name: "Custos-Signature",
            value: WebhookSignature.sign(secret: endpoint.secret, timestamp: timestamp, body: delivery.body)
        )
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        let timeout = TimeAmount.milliseconds(Int64((endpoint.timeoutSeconds * 1000).rounded(.up)))
        do {
            let response = try await client.execute(request, timeout: timeout)
            var drained = 0
            for try await part in response.body {
                drained += part.readableBytes
                if drained > 1 << 20 { break }
            }
            let retryAfter = response.headers.first(name: "Retry-After").flatMap {
                WebhookBackoff.retryAfterSeconds($0)
            }
            return WebhookAttemptOutcome.of(status: Int(response.status.code), retryAfterSeconds: retryAfter)
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
        {
            return .retryable(
                status: nil,
                error: "timed out after \(endpoint.timeoutSeconds) s",
                retryAfterSeconds: nil
            )
        } catch {
            return .retryable(status: nil, error: describe(error, url: endpoint.url), retryAfterSeconds: nil)
        }
    }

    /// A network error in words, without the endpoint's URL (which may carry a token).
    private static func describe(_ error: any Error, url: String) -> String {
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        let cleaned = text.replacingOccurrences(of: url, with: "<endpoint>")
        return "network error: " + String(cleaned.prefix(300))
    }

    // MARK: - Waiting

    /// Wakes ``run()`` to look at the outbox again.
    private func signal() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            signalled = true
        }
    }

    /// Waits until `wake` (forever when nil), a ``signal()`` or cancellation.
    private func sleep(until wake: Timestamp?) async {
        if signalled || Task.isCancelled {
            signalled = false
            return
        }
        var timer: Task<Void, Never>?
        if let wake {
            let milliseconds = max(0, wake.millisecondsSinceEpoch - clock().millisecondsSinceEpoch)
            timer = Task {
                try? await Task.sleep(for: .milliseconds(milliseconds))
                if !Task.isCancelled { self.signal() }
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiter = $0 }
        } onCancel: {
            Task { await self.signal() }
        }
        signalled = false
        timer?.cancel()
    }
}
