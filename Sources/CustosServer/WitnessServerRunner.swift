import CustosLedger
import Foundation
import Hummingbird
import Logging

/// Runs `custos witness`: the C2SP tlog-witness `POST /add-checkpoint` endpoint (and `GET /health`) until SIGINT or
/// SIGTERM.
public enum WitnessServerRunner {
    /// The largest request body accepted: 63 proof lines and a checkpoint with many signatures fit easily.
    static let maximumBodyBytes = 256 << 10

    /// The witness's router.
    public static func router(_ service: WitnessService) -> Router<CustosRequestContext> {
        let router = Router(context: CustosRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.addHealthRoute()
        router.post("/add-checkpoint") { request, context in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maximumBodyBytes)
            } catch {
                throw Problem(.contentTooLarge, type: "too-large", title: "Too large", detail: "body over 256 KiB")
            }
            let decision: WitnessDecision
            do {
                decision = try await service.addCheckpoint(Array(buffer: body))
            } catch {
                throw Problem(
                    .serviceUnavailable,
                    type: "witness-unavailable",
                    title: "Witness unavailable",
                    detail: "the witness could not record its state; nothing was cosigned"
                )
            }
            if let reason = decision.reason {
                context.logger.warning(
                    "checkpoint refused",
                    metadata: ["status": "\(decision.httpStatus)", "reason": "\(reason)"]
                )
            }
            switch decision {
            case .cosigned(_, let cosignature):
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: cosignature.line))
                )
            case .staleOldSize(let size), .rootConflict(let size, _):
                return Response(
                    status: .conflict,
                    headers: [.contentType: "text/x.tlog.size"],
                    body: .init(byteBuffer: ByteBuffer(string: "\(size)\n"))
                )
            default:
                throw Problem(
                    HTTPResponse.Status(code: decision.httpStatus),
                    type: "witness-refused",
                    title: "Checkpoint refused",
                    detail: decision.reason ?? "refused"
                )
            }
        }
        return router
    }

    /// Starts listening and calls `onStarted` with the bound address; returns on shutdown.
    public static func run(
        _ configuration: WitnessConfiguration,
        service: WitnessService,
        onStarted: @escaping @Sendable (String) async -> Void = { _ in }
    ) async throws {
        var logger = Logger(label: "custos-witness")
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let app = Application(
            router: router(service),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "custos-witness"
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
        try await app.runUntilShutdown()
    }
}
