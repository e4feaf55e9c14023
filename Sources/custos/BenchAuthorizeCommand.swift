import ArgumentParser
import CustosCore
import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension BenchCommand {
    /// `custos bench authorize`: durable decisions per second through `POST /v1/authorize` (or the batch form)
    /// over loopback, with N concurrent clients.
    struct Authorize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Durable decisions/s through POST /v1/authorize (or /v1/authorize/batch) over loopback."
        )

        @Option(help: "Decisions to ask for.") var requests: Int = 20_000
        @Option(help: "Concurrent clients.") var clients: Int = 32
        @Option(help: "Requests per call: 1 uses /v1/authorize, more uses /v1/authorize/batch.") var batch: Int = 1
        @Option(help: "Policies in the set.") var policies: Int = 100
        @Option(help: "Entities (about).") var entities: Int = 10_000

        func run() async throws {
            guard batch >= 1, batch <= CustosAPI.maximumAuthorizeBatch, clients >= 1, requests >= 1 else {
                throw ValidationErrorText("--batch 1…\(CustosAPI.maximumAuthorizeBatch), --clients and --requests ≥ 1")
            }
            let dir = try BenchCommand.temporaryDirectory("authorize")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var agency = PolicyBenchAgency(entities: entities, seed: 9)
            try Data(CanonicalJSON.encode(agency.entitiesJSON())).write(
                to: URL(fileURLWithPath: dir + "/entities.json")
            )
            try Data(agency.policies(policies).utf8).write(to: URL(fileURLWithPath: dir + "/policies.cedar"))
            var bodies: [[UInt8]] = []
            var pending: [JSONValue] = []
            for _ in 0..<requests {
                guard case .object(var o) = agency.request() else { continue }
                o["app"] = .string("bench")
                pending.append(.object(o))
                if pending.count == batch {
                    bodies.append(Self.body(pending, batch: batch))
                    pending.removeAll()
                }
            }
            if !pending.isEmpty { bodies.append(Self.body(pending, batch: batch)) }

            let server = try await BenchServer.start(dataDirectory: dir) { $0.policyPollSeconds = 0 }
            let path = batch == 1 ? "/v1/authorize" : "/v1/authorize/batch"
            let url = try server.url(path)
            let start = ContinuousClock.now
            let failures = try await server.post(
                bodies,
                to: url,
                contentType: "application/json",
                clients: clients,
                retryingUnavailable: false
            )
            let elapsed = BenchCommand.seconds(ContinuousClock.now - start)
            server.stop()
            let stored = try await server.store.statistics().events
            let rate = Double(requests) / elapsed
            printFlushed(
                """
                Authorize over HTTP: \(requests) decisions in \(bodies.count) calls to \(path), \(clients) clients, \
                \(policies) policies, ~\(entities) entities
                \(Int(rate)) decisions/s over loopback, durable; \(failures) failed calls; \(stored) events stored
                """
            )
            BenchCommand.report(
                "authorize",
                [
                    ("decisions", .integer(Int64(requests))), ("batch", .integer(Int64(batch))),
                    ("clients", .integer(Int64(clients))), ("decisions_per_s", .integer(Int64(rate))),
                    ("failed_calls", .integer(Int64(failures))), ("stored", .integer(stored)),
                ]
            )
        }

        private static func body(_ requests: [JSONValue], batch: Int) -> [UInt8] {
            if batch == 1, let only = requests.first { return CanonicalJSON.encode(only) }
            return CanonicalJSON.encode(.object(JSONObject([("requests", .array(requests))])))
        }
    }
}
