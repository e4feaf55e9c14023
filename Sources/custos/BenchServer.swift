import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

/// The server the HTTP benchmarks (`bench http`, `bench authorize`) measure: `custos serve` run in-process on a
/// loopback port over a fresh store in `dataDirectory`, with one ingest key, and the concurrent clients that post
/// to it.
struct BenchServer {
    /// The server's store.
    let store: SQLiteStore
    /// The server's address, `http://127.0.0.1:port`.
    let base: String
    /// The ingest key's bearer token.
    let token: String
    private let task: Task<Void, any Error>

    /// Starts the server; `configure` adjusts its configuration (port 0, the directory, warnings only) first.
    static func start(
        dataDirectory: String,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> BenchServer {
        let store = try SQLiteStore(directory: dataDirectory)
        let issued = APIKeyToken.issue(name: "bench", owner: "bench", scopes: [.ingest], now: CustosAPI.systemClock())
        try await store.insertKey(issued.record)
        var config = ServerConfiguration()
        config.port = 0
        config.dataDirectory = dataDirectory
        config.logLevel = "warning"
        configure(&config)
        let (urls, urlSink) = AsyncStream.makeStream(of: String.self)
        let signer = try Ed25519NoteSigner.generate(keyName: config.origin)
        let settings = config
        let task = Task {
            try await CustosServerRunner.run(settings, store: store, signer: signer) { urlSink.yield($0) }
        }
        var iterator = urls.makeAsyncIterator()
        guard let base = await iterator.next() else {
            task.cancel()
            throw ValidationErrorText("the server did not start")
        }
        return BenchServer(store: store, base: base, token: issued.token, task: task)
    }

    /// The URL of `path` on the server.
    func url(_ path: String) throws -> URL {
        guard let url = URL(string: base + path) else { throw ValidationErrorText("the server did not start") }
        return url
    }

    /// Stops the server.
    func stop() {
        task.cancel()
    }

    /// POSTs every body to `url` from `clients` concurrent clients (client c sends bodies c, c + clients, …) and
    /// returns how many calls were not answered 200; with `retryingUnavailable` a call answered 503 (the queue is
    /// full) is sent again after 50 ms instead of counting as failed. Each client is a ``LoopbackHTTPClient`` on a
    /// thread of its own, so that blocking on the socket never holds up the server's tasks.
    func post(
        _ bodies: [[UInt8]],
        to url: URL,
        contentType: String,
        clients: Int,
        retryingUnavailable: Bool
    ) async throws -> Int {
        let headers = [("Content-Type", contentType), ("Authorization", "Bearer \(token)")]
        let path = url.path
        let base = base
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for c in 0..<clients {
                group.addTask {
                    try await Self.onThread {
                        let client = try LoopbackHTTPClient(base: base)
                        defer { client.close() }
                        var failed = 0
                        var k = c
                        while k < bodies.count {
                            let status = try client.send(
                                method: "POST",
                                path: path,
                                headers: headers,
                                body: bodies[k]
                            ).status
                            if retryingUnavailable && status == 503 {
                                usleep(50_000)
                                continue
                            }
                            if status != 200 { failed += 1 }
                            k += clients
                        }
                        return failed
                    }
                }
            }
            return try await group.reduce(0, +)
        }
    }

    /// Runs `work` on a new thread and returns its result.
    private static func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.start()
        }
    }
}
