import CustosCore
import CustosSQLite
import Foundation
import Hummingbird
import Logging

/// Runs the Custos HTTP server on the embedded store until SIGINT or SIGTERM.
public enum CustosServerRunner {
    /// Opens the store, starts listening and calls `onStarted` with the bound address; returns on shutdown.
    public static func run(
        _ configuration: ServerConfiguration, store: SQLiteStore, onStarted: @escaping @Sendable (String) async -> Void = { _ in }
    ) async throws {
        var logger = Logger(label: "custos")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let api = CustosAPI(
            store: store, queueCapacity: configuration.queueCapacity, maximumBodyBytes: configuration.maximumBodyBytes)
        let app = Application(
            router: api.router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "custos"),
            onServerRunning: { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? configuration.host):\($0.port ?? configuration.port)" }
                    ?? "\(configuration.host):\(configuration.port)"
                await onStarted("http://" + address)
            },
            logger: logger
        )
        try await app.runService()
        try? store.checkpoint()
    }
}
