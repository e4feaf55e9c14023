import Hummingbird
import ServiceLifecycle
import UnixSignals

extension ApplicationProtocol {
    /// Runs the server until SIGTERM or SIGINT, or until the calling task is cancelled, stopping gracefully in each
    /// case: it stops accepting connections and answers the requests already in flight before it returns.
    ///
    /// `runService()` alone treats cancellation of the calling task (how a process that embeds the server — the
    /// benchmarks, the tests — stops it) as an abort: open connections are cut and the server logs errors.
    func runUntilShutdown() async throws {
        let group = ServiceGroup(
            configuration: .init(services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        // Unstructured, so that the caller's cancellation reaches the group only as a graceful shutdown.
        let running = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }
}
