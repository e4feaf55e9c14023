import CustosCore
import CustosStore
import Foundation
import Hummingbird
import Logging
import Prometheus
import Synchronization

/// Everything the HTTP API needs, built once per server: the store, the sequencer in front of it, authentication,
/// metrics and the read recorder.
public final class CustosAPI: Sendable {
    /// The event store.
    public let store: any EventStore
    /// The key store.
    public let keys: any KeyStore
    /// The single sequencer.
    public let pipeline: IngestPipeline
    /// The metrics.
    public let metrics: ServerMetrics
    let authenticator: Authenticator
    let recorder: ReadRecorder
    let batchDecoder = EventBatchDecoder()
    /// The largest request body accepted, in bytes.
    public let maximumBodyBytes: Int
    /// The checkpoint signer over the store's ledger; nil serves no ledger routes (503).
    public let ledger: CheckpointPublisher?
    /// The Cedar policies in force at the decision point; nil answers `/v1/authorize` with 503 (fail closed).
    public var policies: LoadedPolicies? { policyRegistry.current?.loaded }
    /// The break-glass reviews.
    public let reviews: ReviewStore
    /// The policy set in force, reloaded from the data directory on change.
    public let policyRegistry: PolicyRegistry
    /// The versioned entities decisions are made against; other components read and follow it.
    public let entities: EntityRegistry
    /// The webhook notifier; nil answers the `/v1/webhooks` routes with 503.
    public let webhooks: WebhookNotifier?
    /// How rule back-tests run.
    public let backtest: BacktestSettings
    let backtestsRunning = Mutex(0)
    let clock: @Sendable () -> Timestamp
    /// The alerts, findings and suppressions of the detection service; nil answers the alert routes with 503.
    public let alerts: AlertAccess?
    /// Signalled after every ingest commit (wakes the detection service).
    public let commits: CommitSignal
    /// The oversight console's state; nil serves no console pages.
    let console: Console?

    /// Creates the API over a store that keeps events and keys.
    public init(
        store: any EventStore & KeyStore,
        queueCapacity: Int = 100_000,
        maximumBodyBytes: Int = 32 << 20,
        clock: @escaping @Sendable () -> Timestamp = CustosAPI.systemClock,
        ledger: CheckpointPublisher? = nil,
        policies: LoadedPolicies? = nil,
        alerts: AlertAccess? = nil,
        webhooks: WebhookNotifier? = nil,
        backtest: BacktestSettings = BacktestSettings(),
        console: ConsoleConfiguration? = nil,
        entities: EntityRegistry = EntityRegistry(),
        dataDirectory: String? = nil,
        reviews: ReviewStore = ReviewStore()
    ) {
        self.alerts = alerts
        let commits = CommitSignal()
        self.commits = commits
        self.backtest = backtest
        self.webhooks = webhooks
        if let console, let accounts = store as? any ConsoleAccountStore & ActivityStore {
            self.console = Console(
                accounts: accounts,
                activity: accounts,
                configuration: console,
                sessionStore: store as? any ConsoleSessionStore
            )
        } else {
            self.console = nil
        }
        self.reviews = reviews
        policyRegistry = PolicyRegistry(initial: policies, dataDirectory: dataDirectory, now: clock())
        self.entities = entities
        self.clock = clock
        let metrics = ServerMetrics()
        self.ledger = ledger
        self.store = store
        self.keys = store
        self.metrics = metrics
        self.maximumBodyBytes = maximumBodyBytes
        pipeline = IngestPipeline(
            store: store,
            capacity: queueCapacity,
            clock: clock,
            observe: {
                metrics.observe($0)
                commits.signal()
            }
        )
        authenticator = Authenticator(keys: store, clock: clock)
        recorder = ReadRecorder(pipeline: pipeline, clock: clock)
    }

    /// The wall clock, in UTC milliseconds.
    public static let systemClock: @Sendable () -> Timestamp = {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The router with every route of the API.
    public func router() -> Router<CustosRequestContext> {
        let router = Router(context: CustosRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.addHealthRoute()
        router.get("/metrics") { request, _ in
            _ = try await self.authenticator.authenticate(request, scope: .read)
            self.metrics.queueDepth.set(Double(await self.pipeline.depth))
            if let status = try? await self.ledger?.status(now: self.clock()) {
                self.metrics.checkpointAge.set(status.ageSeconds ?? -1)
                self.metrics.checkpointUncovered.set(Double(status.uncoveredEntries))
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: self.metrics.registry.emitToBuffer()))
            )
        }
        router.get("/openapi.json") { _, _ in
            guard let document = OpenAPIDocument.bytes else {
                throw Problem(
                    .internalServerError,
                    type: "not-installed",
                    title: "Not installed",
                    detail: "the OpenAPI document was not installed beside the custos binary"
                )
            }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: document))
            )
        }
        addIngestRoutes(to: router)
        addQueryRoutes(to: router)
        addLedgerRoutes(to: router)
        addAuthorizeRoutes(to: router)
        addAlertRoutes(to: router)
        addWebhookRoutes(to: router)
        addBacktestRoutes(to: router)
        addConsoleRoutes(to: router)
        addEntityRoutes(to: router)
        addPolicyRoutes(to: router)
        addReviewRoutes(to: router)
        addPolicyCheckRoutes(to: router)
        return router
    }
}

/// Turns errors that are not already HTTP responses into problem+json, so no error leaves as bare text.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = CustosRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let p as Problem {
            throw p
        } catch let e as StoreError {
            switch e.code {
            case .overloaded: throw Problem.overloaded(e.message)
            case .invalidQuery:
                throw Problem(.badRequest, type: "invalid-parameter", title: "Invalid parameter", detail: e.message)
            case .notFound: throw Problem.notFound(e.message)
            case .conflict: throw Problem(.conflict, type: "conflict", title: "Conflict", detail: e.message)
            default:
                context.logger.error("store error", metadata: ["code": "\(e.code)"])
                throw Problem(
                    .internalServerError,
                    type: "store-error",
                    title: "Store error",
                    detail: "the store failed; see the server log"
                )
            }
        } catch let e as HTTPError {
            throw Problem(
                e.status,
                type: "http-\(e.status.code)",
                title: e.status.reasonPhrase,
                detail: e.body ?? e.status.reasonPhrase
            )
        } catch {
            context.logger.error("unexpected error", metadata: ["type": "\(type(of: error))"])
            throw Problem(.internalServerError, type: "internal", title: "Internal error", detail: "see the server log")
        }
    }
}

extension Response {
    /// A JSON response with the canonical encoding of `value`.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(value)))
        )
    }
}
