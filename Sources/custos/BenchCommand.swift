import ArgumentParser
import Crypto
import CustosCore
import CustosLedger
import CustosSQLite
import CustosServer
import CustosSimulation
import CustosStore
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `custos bench`: the performance figures of docs/performance.md, each beside a baseline measured in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest and query performance against same-run baselines (build with -c release).",
        subcommands: [
            Store.self, HTTP.self, Decode.self, Queries.self, PolicyDecisions.self, Authorize.self, Ledger.self,
            Detect.self,
        ]
    )

    /// Simulated events for benchmarks: the first `count` events of a large agency.
    static func events(_ count: Int, seed: UInt64 = 11) -> [AccessEvent] {
        let officers = max(20, count / 1500)
        var out: [AccessEvent] = []
        out.reserveCapacity(count)
        for e in AgencySimulation(config: SimulationConfig(officers: officers, days: 60, seed: seed)).events() {
            out.append(e)
            if out.count == count { break }
        }
        return out
    }

    /// `events` as NDJSON request bodies of `batch` events each (the last may be shorter).
    static func ndjsonBodies(_ events: [AccessEvent], batch: Int) -> [[UInt8]] {
        stride(from: 0, to: events.count, by: batch).map { start in
            var bytes: [UInt8] = []
            for e in events[start..<min(start + batch, events.count)] {
                CanonicalJSON.write(e.jsonValue, into: &bytes)
                bytes.append(0x0A)
            }
            return bytes
        }
    }

    static func temporaryDirectory(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "custos-bench-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// The SHA-256 rate of this machine in MB/s (a yardstick for how fast the machine is today).
    static func sha256MegabytesPerSecond() -> Double {
        let block = [UInt8](repeating: 0x5A, count: 1 << 20)
        let start = ContinuousClock.now
        var n = 0
        while seconds(ContinuousClock.now - start) < 0.5 {
            _ = SHA256.hash(data: block)
            n += 1
        }
        return Double(n) / seconds(ContinuousClock.now - start)
    }

    /// CPU seconds this process has used so far, in user space and in the kernel on its behalf.
    static func processCPU() -> (user: Double, system: Double) {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return (0, 0) }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return (seconds(usage.ru_utime), seconds(usage.ru_stime))
    }

    /// Microseconds of this process's CPU (user and kernel, every thread) per event while `body` runs, with its
    /// result: what the work costs beside how fast it went (with the rate it says how busy the cores were).
    static func cpuMicrosecondsPerEvent<T>(events: Int, _ body: () async throws -> T) async rethrows -> (T, Double) {
        let before = processCPU()
        let result = try await body()
        let after = processCPU()
        let used = (after.user - before.user) + (after.system - before.system)
        return (result, (used * 1e7 / Double(max(events, 1))).rounded() / 10)
    }

    /// `events` cut into requests of `batch` events, built before a clock starts (a server's decoder hands the
    /// pipeline arrays like these; copying events into them is not the store's work).
    static func requests(_ events: [AccessEvent], batch: Int) -> [[AccessEvent]] {
        stride(from: 0, to: events.count, by: batch).map { Array(events[$0..<min($0 + batch, events.count)]) }
    }

    /// Submits `requests` to `pipeline` from `submitters` concurrent tasks (request `k` from task `k % submitters`),
    /// returning when every request is durable.
    static func submitConcurrently(
        _ requests: [[AccessEvent]],
        submitters: Int = 8,
        to pipeline: IngestPipeline
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<submitters {
                group.addTask {
                    for k in stride(from: w, to: requests.count, by: submitters) {
                        _ = try await pipeline.submit(requests[k])
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Resident set size and its peak, in MiB, from /proc/self/status.
    static func memory() -> (rss: Double, peak: Double) {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Double {
            for line in text.split(separator: "\n") where line.hasPrefix(name) {
                let digits = line.split(separator: " ").compactMap { Double($0) }
                return (digits.first ?? 0) / 1024
            }
            return 0
        }
        return (field("VmRSS:"), field("VmHWM:"))
    }

    static func report(_ name: String, _ fields: [(String, JSONValue)]) {
        printFlushed("BENCH " + CanonicalJSON.string(.object(JSONObject([("bench", .string(name))] + fields))))
    }

    struct Store: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Durable in-process ingest vs raw SQLite inserts of the same rows (same schema, batch, pragmas)."
        )

        @Option(help: "Events to ingest.") var events: Int = 200_000
        @Option(help: "Events per transaction.") var batch: Int = 1000
        @Option(help: "Page size of the new database files, in bytes (default: SQLite's 4096).") var pageSize: Int?
        @OptionGroup var live: BenchLiveRateOptions

        func run() async throws {
            printError("Generating \(events) simulated events…")
            let all = live.stamped(BenchCommand.events(events))
            var options = SQLiteStore.Options()
            options.pageSize = pageSize
            let sha = BenchCommand.sha256MegabytesPerSecond()
            let rawDir = try BenchCommand.temporaryDirectory("raw")
            let storeDir = try BenchCommand.temporaryDirectory("store")
            let groupDir = try BenchCommand.temporaryDirectory("group")
            let offDir = try BenchCommand.temporaryDirectory("ledger-off")
            defer { for d in [rawDir, storeDir, groupDir, offDir] { try? FileManager.default.removeItem(atPath: d) } }
            printError("Raw SQLite baseline…")
            let (raw, rawCPU) = try await BenchCommand.cpuMicrosecondsPerEvent(events: all.count) {
                try SQLiteBaseline.insertSeconds(all, batchSize: batch, directory: rawDir, options: options)
            }
            printError("Store ingest with the ledger off (no salts, leaves, tiles), one request per transaction…")
            var offOptions = options
            offOptions.ledger = false
            let off = try await Self.ingestSeconds(
                all,
                batch: batch,
                store: try SQLiteStore(directory: offDir, options: offOptions)
            )
            // Each phase's store is released before the next phase starts, so that its background work (index
            // merges, rollup packing, WAL checkpoints) does not run on into the next phase's clock.
            printError("Store ingest, one request per transaction…")
            let (ours, oursCPU) = try await BenchCommand.cpuMicrosecondsPerEvent(events: all.count) {
                try await Self.ingestSeconds(
                    all,
                    batch: batch,
                    store: try SQLiteStore(directory: storeDir, options: options)
                )
            }
            printError("Store ingest through the group-commit pipeline, 8 concurrent submitters…")
            let (pipelined, groupCPU) = try await BenchCommand.cpuMicrosecondsPerEvent(events: all.count) {
                try await Self.groupCommitSeconds(
                    all,
                    batch: batch,
                    store: try SQLiteStore(directory: groupDir, options: options)
                )
            }
            let n = Double(all.count)
            printFlushed(
                """
                events \(all.count), batch \(batch), durable (WAL, synchronous=FULL), page size \(pageSize ?? 4096)\
                \(live.reportSuffix)
                raw SQLite inserts (baseline):   \(Int(n / raw)) events/s   \(rawCPU) µs CPU per event
                store ingest:                    \(Int(n / ours)) events/s   ratio \(String(format: "%.2f", raw / ours))   \
                \(oursCPU) µs CPU per event
                store ingest, ledger off:        \(Int(n / off)) events/s   ledger on/off \(String(format: "%.2f", off / ours))
                store ingest, group commit (8):  \(Int(n / pipelined)) events/s   ratio \(String(format: "%.2f", raw / pipelined))   \
                \(groupCPU) µs CPU per event
                machine SHA-256:                 \(Int(sha)) MB/s
                """
            )
            BenchCommand.report(
                "store",
                [
                    ("events", .integer(Int64(all.count))), ("raw_events_per_s", .integer(Int64(n / raw))),
                    ("store_events_per_s", .integer(Int64(n / ours))),
                    ("ratio", .double((raw / ours * 100).rounded() / 100)),
                    ("ledger_off_events_per_s", .integer(Int64(n / off))),
                    ("ledger_on_off_ratio", .double((off / ours * 100).rounded() / 100)),
                    ("group_events_per_s", .integer(Int64(n / pipelined))), ("sha256_mb_per_s", .integer(Int64(sha))),
                    ("raw_cpu_us_per_event", .double(rawCPU)), ("store_cpu_us_per_event", .double(oursCPU)),
                    ("group_cpu_us_per_event", .double(groupCPU)),
                ]
            )
        }

        /// Seconds to append `events` to `store` through the group-commit pipeline from 8 concurrent submitters.
        static func groupCommitSeconds(_ events: [AccessEvent], batch: Int, store: SQLiteStore) async throws -> Double {
            let pipeline = IngestPipeline(store: store, clock: CustosAPI.systemClock)
            let requests = BenchCommand.requests(events, batch: batch)
            let start = ContinuousClock.now
            try await BenchCommand.submitConcurrently(requests, to: pipeline)
            try await store.waitForPostings()
            return BenchCommand.seconds(ContinuousClock.now - start)
        }

        /// Seconds to append `events` to `store`, `batch` events per request and transaction.
        static func ingestSeconds(_ events: [AccessEvent], batch: Int, store: SQLiteStore) async throws -> Double {
            let received = CustosAPI.systemClock()
            let requests = BenchCommand.requests(events, batch: batch)
            let start = ContinuousClock.now
            for request in requests {
                _ = try await store.append([request], received: received)
            }
            // Appended and indexed: the clock stops when the deferred postings are written too.
            try await store.waitForPostings()
            return BenchCommand.seconds(ContinuousClock.now - start)
        }
    }

    struct HTTP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Durable HTTP ingest of NDJSON batches over loopback, against the in-process store rate."
        )

        @Option(help: "Events to send.") var events: Int = 200_000
        @Option(help: "Events per request.") var batch: Int = 1000
        @Option(help: "Concurrent clients.") var clients: Int = 8
        @OptionGroup var live: BenchLiveRateOptions

        func run() async throws {
            printError("Generating \(events) simulated events…")
            let all = live.stamped(BenchCommand.events(events, seed: 12))
            let bodies = BenchCommand.ndjsonBodies(all, batch: batch)
            let dir = try BenchCommand.temporaryDirectory("http")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let server = try await BenchServer.start(dataDirectory: dir)
            let url = try server.url("/v1/events")
            let start = ContinuousClock.now
            let (failures, cpu) = try await BenchCommand.cpuMicrosecondsPerEvent(events: all.count) {
                try await server.post(
                    bodies,
                    to: url,
                    contentType: "application/x-ndjson",
                    clients: clients,
                    retryingUnavailable: true
                )
            }
            let elapsed = BenchCommand.seconds(ContinuousClock.now - start)
            // The acknowledgements come once the events are durable; the deferred postings (the random-keyed
            // indexes) may still be catching up. The second figure waits for them too, as `bench store` does.
            let (_, tailCPU) = try await BenchCommand.cpuMicrosecondsPerEvent(events: all.count) {
                try await server.store.waitForPostings()
            }
            let indexedElapsed = BenchCommand.seconds(ContinuousClock.now - start)
            server.stop()
            let stored = try await server.store.statistics().events
            let rate = Double(all.count) / elapsed
            let indexedRate = Double(all.count) / indexedElapsed
            let indexedCPU = ((cpu + tailCPU) * 10).rounded() / 10
            printFlushed(
                """
                HTTP ingest: \(all.count) events in \(bodies.count) NDJSON requests of \(batch), \(clients) clients\
                \(live.reportSuffix)
                \(Int(rate)) events/s over loopback, durable; \(failures) failed requests; \(stored) events stored
                \(cpu) µs of CPU per event (server and clients: one process)
                \(Int(indexedRate)) events/s acknowledged and indexed (deferred postings written), \(indexedCPU) µs of CPU \
                per event
                """
            )
            BenchCommand.report(
                "http",
                [
                    ("events", .integer(Int64(all.count))), ("events_per_s", .integer(Int64(rate))),
                    ("failed_requests", .integer(Int64(failures))), ("stored", .integer(stored)),
                    ("cpu_us_per_event", .double(cpu)), ("indexed_events_per_s", .integer(Int64(indexedRate))),
                    ("indexed_cpu_us_per_event", .double(indexedCPU)),
                ]
            )
        }
    }

    struct Queries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a store of N events (reporting memory) and time the four access queries (p50/p95/p99)."
        )

        @Option(help: "Events in the store.") var events: Int = 1_000_000
        @Option(help: "Samples per query.") var samples: Int = 300
        @Option(help: "Keep the store in this directory (reused when it already holds events).") var data: String?
        @Option(help: "Page size of a new database file, in bytes (default: SQLite's 4096).") var pageSize: Int?

        func run() async throws {
            let dir = try data ?? BenchCommand.temporaryDirectory("queries")
            defer { if data == nil { try? FileManager.default.removeItem(atPath: dir) } }
            var options = SQLiteStore.Options()
            options.pageSize = pageSize
            let store = try SQLiteStore(directory: dir, options: options)
            let pipeline = IngestPipeline(store: store, clock: CustosAPI.systemClock)
            var actors: [String] = []
            var sessions: [String] = []
            var subjects: [String] = []
            var datasets: Set<String> = []
            var firstTime = Timestamp.maximum
            var lastTime = Timestamp.minimum
            let existing = try await store.statistics().events
            let officers = max(20, events / 1500)
            let simulation = AgencySimulation(config: SimulationConfig(officers: officers, days: 60, seed: 21))
            var count = 0
            var batch: [AccessEvent] = []
            var rssSamples: [Double] = []
            let start = ContinuousClock.now
            var millionStart = start
            try await withThrowingTaskGroup(of: Void.self) { group in
                var inFlight = 0
                for e in simulation.events() {
                    count += 1
                    if count % 997 == 0 {
                        actors.append(e.actor.id)
                        if let s = e.actor.session { sessions.append(s) }
                        if let s = e.subjects.first { subjects.append(s) }
                    }
                    if let d = e.resource?.dataset { datasets.insert(d) }
                    firstTime = min(firstTime, e.time)
                    lastTime = max(lastTime, e.time)
                    if existing == 0 {
                        batch.append(e)
                        if batch.count == 1000 {
                            let b = batch
                            batch.removeAll(keepingCapacity: true)
                            if inFlight == 4 {
                                try await group.next()
                                inFlight -= 1
                            }
                            group.addTask { _ = try await pipeline.submit(b) }
                            inFlight += 1
                        }
                        if count % 1_000_000 == 0 {
                            rssSamples.append(BenchCommand.memory().rss)
                            let now = ContinuousClock.now
                            let rate = Int(1_000_000 / BenchCommand.seconds(now - millionStart))
                            millionStart = now
                            printError(
                                "  \(count) events, RSS \(Int(rssSamples.last!)) MiB, \(rate) events/s this million"
                            )
                        }
                    }
                    // A store that already holds events (perhaps fewer than asked, if its build was interrupted)
                    // is sampled from the events it holds: the simulation's first `existing` ones.
                    if count == events || Int64(count) == existing { break }
                }
                if !batch.isEmpty {
                    let b = batch
                    group.addTask { _ = try await pipeline.submit(b) }
                }
                try await group.waitForAll()
            }
            // Appended and indexed: the build ends when the deferred postings are written too, and the queries
            // below sample a store at rest.
            try await store.waitForPostings()
            let buildSeconds = BenchCommand.seconds(ContinuousClock.now - start)
            // The packed rollup blocks are kept in the background during a build; a store written before they existed
            // gains them here (timed apart: it happens once per store).
            let packStart = ContinuousClock.now
            try await store.packDatasetRollups()
            let packSeconds = BenchCommand.seconds(ContinuousClock.now - packStart)
            let total = try await store.statistics().events
            printFlushed(
                "store: \(total) events (built in \(Int(buildSeconds)) s, \(existing == 0 ? Int(Double(count) / buildSeconds) : 0) events/s); "
                    + "RSS samples per 1M events (MiB): \(rssSamples.map { String(Int($0)) }.joined(separator: " ")); "
                    + "peak RSS \(Int(BenchCommand.memory().peak)) MiB; rollups packed in \(String(format: "%.1f", packSeconds)) s"
            )
            var rng = SystemRandomNumberGenerator()
            let datasetList = datasets.sorted()
            let span = lastTime.millisecondsSinceEpoch - firstTime.millisecondsSinceEpoch
            func window() -> TimeRange {
                let from =
                    firstTime.millisecondsSinceEpoch + Int64.random(in: 0...max(1, span - 7 * 86_400_000), using: &rng)
                return TimeRange(
                    from: Timestamp(millisecondsSinceEpoch: from),
                    to: Timestamp(millisecondsSinceEpoch: from + 7 * 86_400_000)
                )
            }
            // Wall time per query, and the process's CPU time over all the samples of a query (user and kernel), which
            // is the queries' own while nothing else runs: the indexer has caught up and the queries run one at a time.
            // The kernel accounts CPU time in ticks, so it is reported as a mean over the samples, not per query.
            var results: [(name: String, wall: [Double], user: Double, system: Double)] = []
            func measure(_ name: String, _ body: () async throws -> Void) async throws {
                var wall: [Double] = []
                let c0 = BenchCommand.processCPU()
                for _ in 0..<samples {
                    let t0 = ContinuousClock.now
                    try await body()
                    wall.append(BenchCommand.seconds(ContinuousClock.now - t0) * 1000)
                }
                let c1 = BenchCommand.processCPU()
                let n = Double(max(samples, 1))
                results.append(
                    (name, wall.sorted(), (c1.user - c0.user) * 1000 / n, (c1.system - c0.system) * 1000 / n)
                )
            }
            try await measure("actor timeline") {
                _ = try await store.timeline(TimelineQuery(actor: actors.randomElement(using: &rng)!, limit: 50))
            }
            try await measure("session") {
                _ = try await store.session(SessionQuery(session: sessions.randomElement(using: &rng)!, limit: 500))
            }
            try await measure("dataset access (7 days)") {
                _ = try await store.datasetAccess(
                    DatasetAccessQuery(dataset: datasetList.randomElement(using: &rng)!, range: window())
                )
            }
            try await measure("dataset access (all time)") {
                _ = try await store.datasetAccess(DatasetAccessQuery(dataset: datasetList.randomElement(using: &rng)!))
            }
            try await measure("subject access") {
                _ = try await store.subjectAccess(
                    SubjectAccessQuery(subject: subjects.randomElement(using: &rng)!, limit: 100)
                )
            }
            try await measure("events by actor (page of 100)") {
                _ = try await store.events(EventQuery(actor: actors.randomElement(using: &rng)!, limit: 100))
            }
            var lines = ["query                          p50 ms   p95 ms   p99 ms   mean CPU ms: user  kernel"]
            var fields: [(String, JSONValue)] = [("events", .integer(total))]
            for (name, t, user, system) in results {
                func p(_ q: Double) -> Double { t[min(t.count - 1, Int(Double(t.count) * q))] }
                lines.append(
                    name.padding(toLength: 30, withPad: " ", startingAt: 0)
                        + String(
                            format: " %7.2f  %7.2f  %7.2f              %7.2f %7.2f",
                            p(0.5),
                            p(0.95),
                            p(0.99),
                            user,
                            system
                        )
                )
                fields.append(
                    (
                        name.replacingOccurrences(of: " ", with: "_") + "_p99_ms",
                        .double((p(0.99) * 100).rounded() / 100)
                    )
                )
            }
            fields.append(("peak_rss_mib", .integer(Int64(BenchCommand.memory().peak))))
            printFlushed(lines.joined(separator: "\n"))
            BenchCommand.report("queries", fields)
        }
    }
}
