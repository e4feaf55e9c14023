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
            var bodies: [Data] = []
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

            let store = try SQLiteStore(directory: dir)
            let issued = APIKeyToken.issue(
                name: "bench",
                owner: "bench",
                scopes: [.ingest],
                now: CustosAPI.systemClock()
            )
            try await store.insertKey(issued.record)
            var config = ServerConfiguration()
            config.port = 0
            config.dataDirectory = dir
            config.logLevel = "warning"
            config.policyPollSeconds = 0
            let (urls, urlSink) = AsyncStream.makeStream(of: String.self)
            let signer = try Ed25519NoteSigner.generate(keyName: config.origin)
            let server = Task {
                try await CustosServerRunner.run(config, store: store, signer: signer) { urlSink.yield($0) }
            }
            var iterator = urls.makeAsyncIterator()
            let path = batch == 1 ? "/v1/authorize" : "/v1/authorize/batch"
            guard let base = await iterator.next(), let url = URL(string: base + path) else {
                throw ValidationErrorText("the server did not start")
            }
            let token = issued.token
            let bodyList = bodies
            let clientCount = clients
            let session = URLSession(configuration: .ephemeral)
            let start = ContinuousClock.now
            let failures = try await withThrowingTaskGroup(of: Int.self) { group in
                for c in 0..<clientCount {
                    group.addTask {
                        var failed = 0
                        var k = c
                        while k < bodyList.count {
                            var request = URLRequest(url: url)
                            request.httpMethod = "POST"
                            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                            request.httpBody = bodyList[k]
                            let (_, response) = try await session.data(for: request)
                            if (response as? HTTPURLResponse)?.statusCode != 200 { failed += 1 }
                            k += clientCount
                        }
                        return failed
                    }
                }
                return try await group.reduce(0, +)
            }
            let elapsed = BenchCommand.seconds(ContinuousClock.now - start)
            server.cancel()
            let stored = try await store.statistics().events
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

        private static func body(_ requests: [JSONValue], batch: Int) -> Data {
            if batch == 1, let only = requests.first { return Data(CanonicalJSON.encode(only)) }
            return Data(CanonicalJSON.encode(.object(JSONObject([("requests", .array(requests))]))))
        }
    }
}
