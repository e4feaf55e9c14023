import CustosCore
public import CustosLedger
import CustosSQLite
import CustosStore
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import Synchronization

/// Runs the Custos HTTP server on the embedded store until SIGINT or SIGTERM.
public enum CustosServerRunner {
    /// The signer key of a data directory (`DATA/keys/signer.key`), created with key name `origin` when there is
    /// none; `created` says whether it was.
    public static func signer(
        dataDirectory: String,
        origin: String
    ) throws
        -> (signer: Ed25519NoteSigner, created: Bool)
    {
        try LedgerKeyFiles.loadOrCreate(
            directory: (dataDirectory as NSString).appendingPathComponent("keys"),
            origin: origin
        )
    }

    /// Opens the store, starts listening and calls `onStarted` with the bound address; returns on shutdown.
    public static func run(
        _ configuration: ServerConfiguration,
        store: SQLiteStore,
        signer: Ed25519NoteSigner,
        rules: (directory: String, rules: [ConsoleRule])? = nil,
        tls: ServerTLSFiles? = nil,
        onStarted: @escaping @Sendable (String) async -> Void = { _ in },
        onAlertChange: @escaping @Sendable (AlertChange) async -> Void = { _ in }
    ) async throws {
        var logger = Logger(label: "custos")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let publisher = CheckpointPublisher(
            store: store,
            signer: signer,
            origin: configuration.origin,
            intervalSeconds: configuration.checkpointIntervalSeconds,
            entries: configuration.checkpointEntries
        )
        let policies = try LoadedPolicies.load(dataDirectory: configuration.dataDirectory)
        if policies == nil {
            logger.warning("no policies.cedar in the data directory: POST /v1/authorize answers 503")
        }
        let reviews = try ReviewStore(dataDirectory: configuration.dataDirectory)
        let entities = try EntityRegistry(dataDirectory: configuration.dataDirectory, schema: policies?.schema)
        try await publisher.publishIfDue()
        let pseudonymizer = try Pseudonymizer.loadOrCreate(dataDirectory: configuration.dataDirectory)
        var webhookLogger = logger
        webhookLogger[metadataKey: "component"] = "webhooks"
        let webhooks = WebhookNotifier(endpoints: configuration.webhooks, outbox: store, logger: webhookLogger)
        let notifyingAlertChange: @Sendable (AlertChange) async -> Void = { [webhookLogger] change in
            await onAlertChange(change)
            await webhooks.notifyAlertChange(change, logger: webhookLogger)
        }
        let api = CustosAPI(
            store: store,
            queueCapacity: configuration.queueCapacity,
            maximumBodyBytes: configuration.maximumBodyBytes,
            ledger: publisher,
            policies: policies,
            alerts: AlertAccess(store: store, pseudonymizer: pseudonymizer, onAlertChange: notifyingAlertChange),
            webhooks: webhooks,
            backtest: BacktestSettings(maximumEvents: configuration.backtestMaximumEvents),
            console: consoleConfiguration(configuration, store: store, signer: signer, rules: rules, tls: tls != nil),
            entities: entities,
            dataDirectory: configuration.dataDirectory,
            reviews: reviews
        )
        let recovered = try await api.recoverReviews()
        if !recovered.isEmpty {
            logger.warning(
                "break-glass reviews re-opened from the ledger",
                metadata: ["reviews": "\(recovered.map(\.id).joined(separator: ","))"]
            )
        }
        let detection = DetectionWiring.start(
            configuration,
            store: store,
            pseudonymizer: pseudonymizer,
            signal: api.commits,
            entities: entities,
            logger: logger,
            onAlertChange: notifyingAlertChange
        )
        defer { detection?.cancel() }
        // Whether the listener is up: an error before it is one of starting (the address), not of serving.
        let listening = Atomic<Bool>(false)
        let app = Application(
            router: api.router(),
            server: try tls.map { try .tls(.http1(), tlsConfiguration: try $0.configuration()) } ?? .http1(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "custos"
            ),
            onServerRunning: { channel in
                listening.store(true, ordering: .relaxed)
                let address =
                    channel.localAddress.map {
                        "\($0.ipAddress ?? configuration.host):\($0.port ?? configuration.port)"
                    }
                    ?? "\(configuration.host):\(configuration.port)"
                await onStarted((tls == nil ? "http://" : "https://") + address)
            },
            logger: logger
        )
        let signing = Task { await publisher.run() }
        defer { signing.cancel() }
        let signerWatch = Task { [logger] in await publisher.watch(logger: logger, clock: CustosAPI.systemClock) }
        defer { signerWatch.cancel() }
        let sending = Task { await webhooks.run() }
        defer { sending.cancel() }
        let witnessing =
            configuration.witnesses.isEmpty
            ? nil
            : Task { [logger] in
                await WitnessSubmitter(
                    witnesses: configuration.witnesses,
                    publisher: publisher,
                    cosignatures: store,
                    pipeline: api.pipeline,
                    logger: logger
                ).run()
            }
        defer { witnessing?.cancel() }
        let policyPoll = Task { await api.pollPolicies(everySeconds: configuration.policyPollSeconds, logger: logger) }
        defer { policyPoll.cancel() }
        do {
            try await app.runUntilShutdown()
        } catch {
            if listening.load(ordering: .relaxed) { throw error }
            throw ServerStartError(
                description: "cannot listen on \(configuration.host):\(configuration.port): \(error)"
            )
        }
        signing.cancel()
        detection?.cancel()
        witnessing?.cancel()
        sending.cancel()
        await sending.value
        _ = try? await publisher.publishIfGrown()
        try? await api.markReviewsChecked()
        try? await store.waitForPostings()
        try? store.checkpoint()
    }

    /// The console's configuration: the rule pack, the policy text as loaded and the store's full verification.
    static func consoleConfiguration(
        _ configuration: ServerConfiguration,
        store: SQLiteStore,
        signer: Ed25519NoteSigner,
        rules: (directory: String, rules: [ConsoleRule])?,
        tls: Bool
    ) -> ConsoleConfiguration {
        let policyPath = (configuration.dataDirectory as NSString).appendingPathComponent(LoadedPolicies.policyFile)
        let policyText = FileManager.default.contents(atPath: policyPath).map { String(decoding: $0, as: UTF8.self) }
        let verifier = signer.verifier
        return ConsoleConfiguration(
            rules: rules?.rules ?? [],
            rulesDirectory: rules?.directory,
            policyText: policyText,
            verify: {
                let r = try await store.verifyLedger(verifiers: [verifier], previous: nil)
                return ConsoleVerificationOutcome(
                    valid: r.isValid,
                    treeSize: r.treeSize,
                    checkpointsVerified: r.checkpointsVerified,
                    problems: r.problems,
                    firstBadEntry: r.firstBadEntry
                )
            },
            secureCookies: tls
        )
    }
}

/// The server could not start listening (the address is taken, not this machine's, or not allowed).
public struct ServerStartError: Error, CustomStringConvertible {
    /// What failed, with the address.
    public let description: String
}
