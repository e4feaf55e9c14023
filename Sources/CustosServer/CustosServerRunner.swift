import CustosCore
public import CustosLedger
import CustosSQLite
import Foundation
import Hummingbird
import Logging

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
        onStarted: @escaping @Sendable (String) async -> Void = { _ in }
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
        let api = CustosAPI(
            store: store,
            queueCapacity: configuration.queueCapacity,
            maximumBodyBytes: configuration.maximumBodyBytes,
            ledger: publisher,
            policies: policies,
            entities: entities,
            dataDirectory: configuration.dataDirectory,
            reviews: reviews
        )
        let app = Application(
            router: api.router(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "custos"
            ),
            onServerRunning: { channel in
                let address =
                    channel.localAddress.map {
                        "\($0.ipAddress ?? configuration.host):\($0.port ?? configuration.port)"
                    }
                    ?? "\(configuration.host):\(configuration.port)"
                await onStarted("http://" + address)
            },
            logger: logger
        )
        let signing = Task { await publisher.run() }
        defer { signing.cancel() }
        let policyPoll = Task { await api.pollPolicies(everySeconds: configuration.policyPollSeconds, logger: logger) }
        defer { policyPoll.cancel() }
        try await app.runService()
        signing.cancel()
        _ = try? await publisher.publishIfGrown()
        try? store.checkpoint()
    }
}
