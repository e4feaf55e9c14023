import CustosServer
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A real HTTP server on 127.0.0.1 (port 0) that receives webhooks, checks each signature with the shared secret and
/// answers from a script — so the notifier is tested against real sockets, timeouts and refusals.
final class WebhookReceiver: Sendable {
    /// How the receiver answers one request.
    enum Reply: Sendable {
        /// 200.
        case ok
        /// This status, with an optional `Retry-After`.
        case status(Int, retryAfter: String? = nil)
        /// Answers 200 only after this long (past the sender's timeout).
        case hang(Duration)
    }

    /// One request as received.
    struct Received: Sendable {
        let at: ContinuousClock.Instant
        let path: String
        let headers: [String: String]
        let body: [UInt8]
        let signatureValid: Bool
    }

    private struct State {
        var script: [Reply]
        var received: [Received] = []
    }

    /// The script and the requests, shared by the handler and the receiver.
    private final class Log: Sendable {
        let state: Mutex<State>
        init(script: [Reply]) { state = Mutex(State(script: script)) }
    }

    let secret: [UInt8]
    /// The URL webhooks are posted to.
    let url: String
    private let log: Log
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    private init(secret: [UInt8], url: String, log: Log, group: ServiceGroup, running: Task<Void, any Error>) {
        self.secret = secret
        self.url = url
        self.log = log
        self.group = group
        self.running = running
    }

    /// Starts a receiver that answers from `script` in order, then 200 once the script is used up.
    static func start(secret: String, script: [Reply] = []) async throws -> WebhookReceiver {
        let secretBytes = Array(secret.utf8)
        let log = Log(script: script)
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = Array(buffer: try await request.body.collect(upTo: 1 << 20))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let timestamp = Int64(headers["custos-timestamp"] ?? "") ?? -1
            let valid = WebhookSignature.verify(
                headers["custos-signature"] ?? "",
                secret: secretBytes,
                timestamp: timestamp,
                body: body
            )
            let reply: Reply = log.state.withLock { s in
                s.received.append(
                    Received(at: .now, path: request.uri.path, headers: headers, body: body, signatureValid: valid)
                )
                return s.script.isEmpty ? .ok : s.script.removeFirst()
            }
            switch reply {
            case .ok:
                return Response(status: .ok)
            case .status(let code, let retryAfter):
                var fields = HTTPFields()
                if let retryAfter { fields[.retryAfter] = retryAfter }
                return Response(status: .init(code: code), headers: fields)
            case .hang(let duration):
                try? await Task.sleep(for: duration)
                return Response(status: .ok)
            }
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .warning
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return WebhookReceiver(
            secret: secretBytes,
            url: "http://127.0.0.1:\(port)/hook",
            log: log,
            group: group,
            running: running
        )
    }

    /// Every request so far.
    var received: [Received] { log.state.withLock { $0.received } }

    /// Waits until `count` requests have arrived (or `timeout` passes) and returns them all.
    func waitFor(_ count: Int, timeout: Duration = .seconds(60)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let list = received
            if list.count >= count { return list }
            try await Task.sleep(for: .milliseconds(20))
        }
        return received
    }

    /// Stops listening.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}

/// A URL on 127.0.0.1 where nothing listens (a port bound and closed again).
func closedPortURL() async throws -> String {
    let receiver = try await WebhookReceiver.start(secret: "unused-secret-0123456789")
    let url = receiver.url
    await receiver.stop()
    return url
}
