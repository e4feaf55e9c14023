import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Testing

/// The webhook notifier against real HTTP listeners on 127.0.0.1: signatures, retries and backoff, timeouts,
/// refusals, dead letters, restarts and manual retries.
@Suite("Webhook notifier")
struct WebhookNotifierTests {
    static let secret = "whsec-test-0123456789abcdef"

    /// An endpoint with short delays, so a test takes a second or two, and a timeout long enough for a loaded
    /// machine (tests of timeouts set their own).
    static func endpoint(
        _ url: String,
        name: String = "hook",
        kinds: [String] = ["*"],
        timeout: Double = 5,
        attempts: Int = 5,
        base: Double = 0.1,
        cap: Double = 2
    ) -> WebhookEndpoint {
        WebhookEndpoint(
            name: name,
            url: url,
            secret: Array(secret.utf8),
            kinds: kinds,
            timeoutSeconds: timeout,
            maximumAttempts: attempts,
            backoffBaseSeconds: base,
            backoffCapSeconds: cap
        )
    }

    /// A notifier over a store with the jitter pinned at 1 (delays exactly base × 2^(n-1)), running until `body`
    /// returns.
    static func withNotifier<T>(
        _ endpoints: [WebhookEndpoint],
        store: SQLiteStore,
        _ body: (WebhookNotifier) async throws -> T
    ) async throws -> T {
        let notifier = WebhookNotifier(endpoints: endpoints, outbox: store, jitter: { 1 })
        let running = Task { await notifier.run() }
        defer { running.cancel() }
        let result = try await body(notifier)
        running.cancel()
        await running.value
        return result
    }

    /// Waits until the delivery is no longer pending (or 60 s pass: a shared, loaded machine may take that long) and
    /// returns it.
    static func settled(_ id: String, in store: SQLiteStore) async throws -> WebhookDelivery? {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let d = try await store.delivery(id: id), d.status != .pending { return d }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await store.delivery(id: id)
    }

    static func alert(_ n: Int) -> JSONValue {
        .object(JSONObject([("alert", .string("alert-\(n)")), ("actor", .string("officer-7"))]))
    }

    @Test func deliversASignedRequestWithEveryHeader() async throws {
        let receiver = try await WebhookReceiver.start(secret: Self.secret)
        defer { Task { await receiver.stop() } }
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let id = try await Self.withNotifier([Self.endpoint(receiver.url)], store: store) { notifier in
            let queued = try await notifier.notify(kind: "alert.opened", payload: Self.alert(1))
            #expect(queued.count == 1)
            let id = try #require(queued.first?.id)
            // Durable before any attempt: the outbox has it the moment notify returns.
            #expect(try await store.delivery(id: id)?.kind == "alert.opened")
            #expect(try await Self.settled(id, in: store)?.status == .delivered)
            return id
        }
        let requests = receiver.received
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.signatureValid)
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["custos-event"] == "alert.opened")
        #expect(request.headers["custos-delivery"] == id)
        let timestamp = try #require(Int64(request.headers["custos-timestamp"] ?? ""))
        #expect(abs(timestamp - Int64(Date().timeIntervalSince1970)) < 60)
        #expect(request.headers["custos-signature"]?.hasPrefix("sha256=") == true)
        let body = try JSONParser().parse(request.body)
        #expect(body.objectValue?["id"]?.stringValue == id)
        #expect(body.objectValue?["kind"]?.stringValue == "alert.opened")
        #expect(body.objectValue?["data"] == Self.alert(1))
        let stored = try #require(try await store.delivery(id: id))
        #expect(stored.attempts == 1)
        #expect(stored.lastStatus == 200)
        #expect(stored.delivered != nil)
    }

    @Test func retriesServerErrorsWithGrowingBackoffThenDelivers() async throws {
        let receiver = try await WebhookReceiver.start(
            secret: Self.secret,
            script: [.status(500), .status(502), .status(503), .ok]
        )
        defer { Task { await receiver.stop() } }
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let delivered = try await Self.withNotifier([Self.endpoint(receiver.url, base: 0.5, cap: 10)], store: store) {
            let id = try #require(try await $0.notify(kind: "alert.updated", payload: Self.alert(2)).first?.id)
            return try await Self.settled(id, in: store)
        }
        #expect(delivered?.status == .delivered)
        #expect(delivered?.attempts == 4)
        let requests = receiver.received
        try #require(requests.count == 4)
        #expect(Set(requests.map { $0.headers["custos-delivery"] }).count == 1)
        #expect(Set(requests.map(\.body)).count == 1)
        #expect(requests.allSatisfy { $0.signatureValid })
        // With the jitter pinned at 1 the delays are 0.5, 1 and 2 s: each gap is at least its delay, so the waits
        // grow (a backoff stuck at the base would let the third gap be 0.5 s). Upper bounds are not checked: this
        // machine is shared and loaded; WebhookPartsTests checks the schedule exactly.
        let gaps = zip(requests.dropFirst(), requests).map { Self.seconds($0.at - $1.at) }
        for (gap, delay) in zip(gaps, [0.5, 1, 2]) { #expect(gap >= delay - 0.01, "gap \(gap) < \(delay)") }
    }

    @Test func honoursRetryAfterOnTooManyRequests() async throws {
        let receiver = try await WebhookReceiver.start(
            secret: Self.secret,
            script: [.status(429, retryAfter: "1"), .ok]
        )
        defer { Task { await receiver.stop() } }
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let delivered = try await Self.withNotifier([Self.endpoint(receiver.url, base: 0.05)], store: store) {
            let id = try #require(try await $0.notify(kind: "alert.opened", payload: Self.alert(3)).first?.id)
            return try await Self.settled(id, in: store)
        }
        #expect(delivered?.status == .delivered)
        let requests = receiver.received
        try #require(requests.count == 2)
        // The backoff alone would wait 0.05 s; Retry-After asked for 1 s.
        #expect(Self.seconds(requests[1].at - requests[0].at) >= 0.99)
    }

    @Test func cutsAHangingAttemptAtTheTimeoutAndRetries() async throws {
        let receiver = try await WebhookReceiver.start(secret: Self.secret, script: [.hang(.seconds(10)), .ok])
        defer { Task { await receiver.stop() } }
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let delivered = try await Self.withNotifier([Self.endpoint(receiver.url, timeout: 1)], store: store) {
            let id = try #require(try await $0.notify(kind: "alert.opened", payload: Self.alert(4)).first?.id)
            return try await Self.settled(id, in: store)
        }
        #expect(delivered?.status == .delivered)
        #expect((delivered?.attempts ?? 0) >= 2)
        let requests = receiver.received
        #expect(requests.count == delivered?.attempts)
        // The second request came while the first still hung: the sender gave up on it at the timeout.
        if requests.count >= 2 { #expect(Self.seconds(requests[1].at - requests[0].at) < 9.5) }
    }

    @Test func deadLettersAfterTheLastAttemptOnARefusedConnection() async throws {
        let url = try await closedPortURL()
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let dead = try await Self.withNotifier(
            [Self.endpoint(url, timeout: 0.3, attempts: 3, base: 0.05)],
            store: store
        ) {
            let id = try #require(try await $0.notify(kind: "alert.opened", payload: Self.alert(5)).first?.id)
            return try await Self.settled(id, in: store)
        }
        #expect(dead?.status == .dead)
        #expect(dead?.attempts == 3)
        #expect(dead?.lastStatus == nil)
        #expect(dead?.lastError == "connection refused")
        let listed = try await store.deliveries(status: .dead, cursor: nil, limit: 10).deliveries
        #expect(listed.map(\.id) == [dead?.id].compactMap { $0 })
    }

    @Test func deadLettersAHangThatOutlastsEveryAttempt() async throws {
        let receiver = try await WebhookReceiver.start(
            secret: Self.secret,
            script: [.hang(.seconds(1)), .hang(.seconds(1))]
        )
        defer { Task { await receiver.stop() } }
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let dead = try await Self.withNotifier(
            [Self.endpoint(receiver.url, timeout: 0.2, attempts: 2, base: 0.05)],
            store: store
        ) {
            let id = try #require(try await $0.notify(kind: "alert.opened", payload: Self.alert(6)).first?.id)
            return try await Self.settled(id, in: store)
        }
        #expect(dead?.status == .dead)
        #expect(dead?.attempts == 2)
        #expect(dead?.lastError?.hasPrefix("timed out") == true)
    }

    @Test func doesNotRetryOtherClientErrors() async throws {
        let receiver = try await WebhookReceiver.start(secret: Self.secret, script: [.status(404), .ok])
        defer { Task { await receiver.stop() } }
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let dead = try await Self.withNotifier([Self.endpoint(receiver.url)], store: store) {
            let id = try #require(try await $0.notify(kind: "alert.opened", payload: Self.alert(7)).first?.id)
            let settled = try await Self.settled(id, in: store)
            try await Task.sleep(for: .milliseconds(300))
            return settled
        }
        #expect(dead?.status == .dead)
        #expect(dead?.attempts == 1)
        #expect(dead?.lastStatus == 404)
        #expect(receiver.received.count == 1)
    }

    @Test func aRestartResumesPendingDeliveries() async throws {
        let receiver = try await WebhookReceiver.start(secret: Self.secret, script: [.status(500)])
        defer { Task { await receiver.stop() } }
        let directory = try TemporaryDirectory().path
        let endpoint = Self.endpoint(receiver.url, base: 5, cap: 5)
        // First run: one attempt fails, then the server stops while the delivery waits 5 s for its retry (long
        // enough that a loaded machine stops it first).
        let first = try SQLiteStore(directory: directory)
        let id = try await Self.withNotifier([endpoint], store: first) { notifier in
            let id = try #require(try await notifier.notify(kind: "alert.opened", payload: Self.alert(8)).first?.id)
            let deadline = ContinuousClock.now + .seconds(60)
            while try await first.delivery(id: id)?.attempts != 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            return id
        }
        let pending = try #require(try await first.delivery(id: id))
        #expect(pending.status == .pending)
        #expect(pending.attempts == 1)
        // And one never attempted at all: queued, then the process went away before its sender ran.
        let unsent = try await WebhookNotifier(endpoints: [endpoint], outbox: first)
            .notify(kind: "alert.resolved", payload: Self.alert(9))
        // Second run: a new notifier over a new store on the same file finishes both.
        let second = try SQLiteStore(directory: directory)
        try await Self.withNotifier([endpoint], store: second) { _ throws in
            #expect(try await Self.settled(id, in: second)?.status == .delivered)
            #expect(try await Self.settled(unsent[0].id, in: second)?.status == .delivered)
        }
        #expect(try await second.delivery(id: id)?.attempts == 2)
        // Delivery is at least once: on a loaded machine the first run's retry may reach the receiver just before
        // the process stops and before the outcome is recorded, and the second run then sends it again. What is
        // promised: both deliveries arrive, under their own ids, and the failed one was retried.
        let received = receiver.received.map { ($0.headers["custos-delivery"] ?? "", $0.headers["custos-event"] ?? "") }
        #expect(Set(received.map(\.0)) == [id, unsent[0].id])
        #expect(received.filter { $0.0 == unsent[0].id }.allSatisfy { $0.1 == "alert.resolved" })
        #expect(received.filter { $0.0 == id }.allSatisfy { $0.1 == "alert.opened" })
        #expect(received.filter { $0.0 == id }.count >= 2)
    }

    @Test func aManualRetryRevivesADeadDelivery() async throws {
        let receiver = try await WebhookReceiver.start(secret: Self.secret, script: [.status(500)])
        defer { Task { await receiver.stop() } }
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        try await Self.withNotifier([Self.endpoint(receiver.url, attempts: 1)], store: store) { notifier in
            let id = try #require(try await notifier.notify(kind: "alert.opened", payload: Self.alert(10)).first?.id)
            let dead = try await Self.settled(id, in: store)
            #expect(dead?.status == .dead)
            #expect(dead?.lastError == "HTTP 500")
            guard case .requeued(let requeued) = try await notifier.retry(id: id) else {
                Issue.record("not requeued")
                return
            }
            #expect(requeued.status == .pending)
            #expect(requeued.attempts == 0)
            let delivered = try await Self.settled(id, in: store)
            #expect(delivered?.status == .delivered)
            #expect(delivered?.attempts == 1)
            guard case .alreadyDelivered = try await notifier.retry(id: id) else {
                Issue.record("a delivered delivery was requeued")
                return
            }
            #expect(try await notifier.retry(id: "dlv_none") == .notFound)
        }
        #expect(receiver.received.count == 2)
        #expect(receiver.received.allSatisfy { $0.signatureValid })
    }

    @Test func kindFiltersChooseEndpointsAndPingReachesAll() async throws {
        let receiver = try await WebhookReceiver.start(secret: Self.secret)
        defer { Task { await receiver.stop() } }
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let endpoints = [
            Self.endpoint(receiver.url, name: "all-alerts", kinds: ["alert.*"]),
            Self.endpoint(receiver.url, name: "resolved-only", kinds: ["alert.resolved"]),
        ]
        try await Self.withNotifier(endpoints, store: store) { notifier in
            #expect(try await notifier.notify(kind: "alert.opened", payload: .null).map(\.endpoint) == ["all-alerts"])
            #expect(
                try await notifier.notify(kind: "alert.resolved", payload: .null).map(\.endpoint)
                    == ["all-alerts", "resolved-only"]
            )
            #expect(try await notifier.notify(kind: "case.closed", payload: .null).isEmpty)
            #expect(try await notifier.ping().count == 2)
            #expect(try await notifier.ping(endpoint: "resolved-only").map(\.endpoint) == ["resolved-only"])
            await #expect(throws: WebhookKindError.self) {
                try await notifier.notify(kind: "alert opened\r\nX-Evil: 1", payload: .null)
            }
            _ = try await receiver.waitFor(6)
        }
        #expect(receiver.received.count == 6)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
