import ArgumentParser
import CustosCore
import CustosDetect
import CustosSQLite
import CustosServer
import CustosSimulation
import CustosStore
import Foundation

extension BenchCommand {
    /// `custos bench detect`: the detection engine's figures (issue 4): in-process rate with the built-in pack and
    /// generated rules against a same-run parsing baseline, engine state per active user over a long run, and durable
    /// ingest with the detection service on against off.
    struct Detect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Detection engine rate, state memory per active user, and ingest with detection on vs off."
        )

        @Option(help: "The built-in rule pack directory.") var rules: String = "rules"
        @Option(help: "Generated Sigma rules added to the pack.") var extraRules: Int = 200
        @Option(help: "The seed of the generated rules.") var ruleSeed: UInt64 = 1
        @Option(help: "Simulated officers.") var officers: Int = 500
        @Option(help: "Distinct simulated events, replayed shifted in time for longer runs.") var pool: Int = 200_000
        @Option(help: "Events timed for the in-process rate.") var events: Int = 1_000_000
        @Option(help: "Events of the memory run (0: skip).") var memoryEvents: Int = 10_000_000
        @Option(help: "Sample the engine state every this many events.") var sampleEvery: Int = 1_000_000
        @Option(help: "Events ingested durably, detection off then on (0: skip).") var ingestEvents: Int = 200_000
        @Option(help: "Events per ingest request.") var batch: Int = 1000

        func run() async throws {
            let files = try ruleFiles()
            let ruleSet = RuleSet(files: files)
            guard ruleSet.errors.isEmpty else {
                for error in ruleSet.errors { printError("rule error: \(error)") }
                throw ExitCode(2)
            }
            printError(
                "Rules: \(ruleSet.rules.count) detection, \(ruleSet.correlations.count) correlations. "
                    + "Simulating \(pool) events (\(officers) officers)…"
            )
            let simulation = AgencySimulation(
                config: SimulationConfig(officers: officers, days: 365, seed: 11)
            )
            var accessEvents: [AccessEvent] = []
            accessEvents.reserveCapacity(pool)
            for event in simulation.events() {
                accessEvents.append(event)
                if accessEvents.count == pool { break }
            }
            let reference = ReferenceEnrichment(entities: simulation.referenceEntities())
            let lines = accessEvents.map { CanonicalJSON.encode($0.jsonValue) }
            let parsed = accessEvents.enumerated().map { index, event in
                let fields = event.jsonValue.objectValue ?? JSONObject()
                return DetectionEvent(
                    fields: fields,
                    time: event.time,
                    seq: Int64(index),
                    id: event.id,
                    enrichment: reference.enrichment(for: fields, time: event.time)
                )
            }
            let span =
                parsed.isEmpty
                ? 0
                : parsed[parsed.count - 1].time.millisecondsSinceEpoch
                    - parsed[0].time.millisecondsSinceEpoch + 3_600_000
            let replay = Replay(events: parsed, spanMilliseconds: span)

            let sha = BenchCommand.sha256MegabytesPerSecond()
            printError("Baseline: parsing the events' JSON…")
            let parseRate = Self.parseRate(lines, count: events)
            printError("Engine over \(events) pre-parsed, pre-enriched events…")
            let (engineRate, findings) = try Self.engineRate(ruleSet, replay: replay, count: events)
            printError("Engine with enrichment per event…")
            let enrichedRate = try Self.enrichedRate(ruleSet, replay: replay, reference: reference, count: events)
            printFlushed(
                """
                rules: \(ruleSet.rules.count) detection + \(ruleSet.correlations.count) correlations \
                (built-in pack + \(extraRules) generated, seed \(ruleSeed)); \(pool) distinct events, \
                \(officers) officers
                parse event JSON (baseline):      \(Int(parseRate)) events/s
                detection engine:                 \(Int(engineRate)) events/s   ratio \(Self.format(engineRate / parseRate)) \
                (\(findings) findings)
                enrichment + detection engine:    \(Int(enrichedRate)) events/s   ratio \
                \(Self.format(enrichedRate / parseRate))
                machine SHA-256:                  \(Int(sha)) MB/s
                """
            )
            var fields: [(String, JSONValue)] = [
                ("rules", .integer(Int64(ruleSet.rules.count))),
                ("correlations", .integer(Int64(ruleSet.correlations.count))),
                ("events", .integer(Int64(events))), ("parse_events_per_s", .integer(Int64(parseRate))),
                ("engine_events_per_s", .integer(Int64(engineRate))),
                ("enriched_events_per_s", .integer(Int64(enrichedRate))),
                ("engine_to_parse", .double(Self.rounded(engineRate / parseRate))),
                ("sha256_mb_per_s", .integer(Int64(sha))),
            ]
            if memoryEvents > 0 {
                fields += try memoryRun(ruleSet, replay: replay)
            }
            if ingestEvents > 0 {
                fields += try await ingestRun(files, events: accessEvents, reference: reference)
            }
            BenchCommand.report("detect", fields)
        }

        /// The built-in pack's files plus the generated rules.
        func ruleFiles() throws -> [String: String] {
            var files = BenchmarkRuleGenerator(seed: ruleSeed).files(count: extraRules)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: rules) else {
                throw ValidationError("--rules: \(rules) is not a readable directory (run from the repository)")
            }
            for name in names where RuleDirectoryFiles.isSigmaFile(name) {
                files[name] = try String(contentsOfFile: rules + "/" + name, encoding: .utf8)
            }
            return files
        }

        /// The simulated events replayed again and again, each pass shifted later by the pool's time span.
        struct Replay {
            var events: [DetectionEvent]
            var spanMilliseconds: Int64

            func event(_ n: Int) -> DetectionEvent {
                var event = events[n % events.count]
                let pass = Int64(n / events.count)
                if pass > 0 {
                    event.time = Timestamp(
                        millisecondsSinceEpoch: event.time.millisecondsSinceEpoch + pass * spanMilliseconds
                    )
                }
                event.seq = Int64(n)
                return event
            }

            func actor(_ n: Int) -> String? {
                events[n % events.count].fields["actor"]?.objectValue?["id"]?.stringValue
            }
        }

        static func parseRate(_ lines: [[UInt8]], count: Int) -> Double {
            let parser = JSONParser()
            var kept = 0
            let start = ContinuousClock.now
            for n in 0..<count {
                guard let value = try? parser.parse(lines[n % lines.count]), let object = value.objectValue else {
                    continue
                }
                let event = DetectionEvent(fields: object, time: Timestamp(millisecondsSinceEpoch: 0))
                kept += event.fields.count
            }
            let elapsed = BenchCommand.seconds(ContinuousClock.now - start)
            precondition(kept > 0)
            return Double(count) / elapsed
        }

        static func engineRate(_ ruleSet: RuleSet, replay: Replay, count: Int) throws -> (Double, Int) {
            var engine = try DetectionEngine(ruleSet: ruleSet)
            let prepared = (0..<min(count, replay.events.count * 2)).map(replay.event)
            var findings = 0
            let start = ContinuousClock.now
            for n in 0..<count {
                var event = n < prepared.count ? prepared[n] : replay.event(n)
                event.seq = Int64(n)
                findings += engine.process(event).count
            }
            return (Double(count) / BenchCommand.seconds(ContinuousClock.now - start), findings)
        }

        static func enrichedRate(
            _ ruleSet: RuleSet,
            replay: Replay,
            reference: ReferenceEnrichment,
            count: Int
        ) throws -> Double {
            var engine = try DetectionEngine(ruleSet: ruleSet)
            var findings = 0
            let start = ContinuousClock.now
            for n in 0..<count {
                var event = replay.event(n)
                event.enrichment = reference.enrichment(for: event.fields, time: event.time)
                findings += engine.process(event).count
            }
            precondition(findings >= 0)
            return Double(count) / BenchCommand.seconds(ContinuousClock.now - start)
        }

        /// Runs `memoryEvents` events and samples the engine state every `sampleEvery`.
        func memoryRun(_ ruleSet: RuleSet, replay: Replay) throws -> [(String, JSONValue)] {
            printError("Memory run: \(memoryEvents) events, sampled every \(sampleEvery)…")
            var engine = try DetectionEngine(ruleSet: ruleSet)
            var active = Set<String>()
            var samples: [JSONValue] = []
            printFlushed("events      active users  state bytes  bytes/active user  open groups  buffered  RSS MiB")
            let start = ContinuousClock.now
            for n in 0..<memoryEvents {
                _ = engine.process(replay.event(n))
                if let actor = replay.actor(n) { active.insert(actor) }
                if (n + 1) % sampleEvery == 0 || n + 1 == memoryEvents {
                    let state = try engine.snapshotData().count
                    let snapshot = engine.snapshot()
                    let perUser = active.isEmpty ? 0 : state / active.count
                    let rss = BenchCommand.memory().rss
                    printFlushed(
                        "\(Self.column(n + 1, 10))  \(Self.column(active.count, 12))  \(Self.column(state, 11))  "
                            + "\(Self.column(perUser, 17))  \(Self.column(snapshot.openGroupCount, 11))  "
                            + "\(Self.column(snapshot.bufferedOccurrenceCount, 8))  \(Int(rss))"
                    )
                    samples.append(
                        .object(
                            JSONObject([
                                ("events", .integer(Int64(n + 1))), ("active_users", .integer(Int64(active.count))),
                                ("state_bytes", .integer(Int64(state))),
                                ("bytes_per_active_user", .integer(Int64(perUser))),
                                ("open_groups", .integer(Int64(snapshot.openGroupCount))),
                                ("buffered", .integer(Int64(snapshot.bufferedOccurrenceCount))),
                                ("rss_mib", .integer(Int64(rss))),
                            ])
                        )
                    )
                    active.removeAll(keepingCapacity: true)
                }
            }
            let seconds = BenchCommand.seconds(ContinuousClock.now - start)
            printFlushed("memory run: \(memoryEvents) events in \(Self.format(seconds)) s")
            return [("memory_samples", .array(samples))]
        }

        /// Durable ingest through the group-commit pipeline into fresh stores, without and with the detection
        /// service running as `custos serve` wires it.
        func ingestRun(
            _ files: [String: String],
            events: [AccessEvent],
            reference: ReferenceEnrichment
        ) async throws -> [(String, JSONValue)] {
            let all = Array(events.prefix(ingestEvents))  // distinct ids: a repeated id would be deduplicated
            let rulesDirectory = try BenchCommand.temporaryDirectory("detect-rules")
            defer { try? FileManager.default.removeItem(atPath: rulesDirectory) }
            for (name, text) in files {
                try Data(text.utf8).write(to: URL(fileURLWithPath: rulesDirectory + "/" + name))
            }
            printError("Ingest \(all.count) events, detection off…")
            let off = try await Self.ingest(all, batch: batch, detection: nil)
            printError("Ingest \(all.count) events, detection on…")
            let on = try await Self.ingest(all, batch: batch, detection: (rulesDirectory, reference))
            let n = Double(all.count)
            printFlushed(
                """
                durable ingest, \(all.count) events, batch \(batch), group commit (8 submitters)
                detection off:                    \(Int(n / off.ingest)) events/s
                detection on:                     \(Int(n / on.ingest)) events/s   ratio \
                \(Self.format(off.ingest / on.ingest)) (detection caught up \(Self.format(on.caughtUp)) s after ingest \
                ended; \(on.findings) findings)
                """
            )
            return [
                ("ingest_events", .integer(Int64(all.count))),
                ("ingest_off_events_per_s", .integer(Int64(n / off.ingest))),
                ("ingest_on_events_per_s", .integer(Int64(n / on.ingest))),
                ("ingest_on_to_off", .double(Self.rounded(off.ingest / on.ingest))),
                ("detection_lag_s", .double(Self.rounded(on.caughtUp))),
            ]
        }

        struct IngestTiming {
            var ingest: Double
            var caughtUp: Double
            var findings: Int
        }

        static func ingest(
            _ all: [AccessEvent],
            batch: Int,
            detection: (rules: String, reference: ReferenceEnrichment)?
        ) async throws -> IngestTiming {
            let directory = try BenchCommand.temporaryDirectory("detect-ingest")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let store = try SQLiteStore(directory: directory)
            let signal = CommitSignal()
            var service: DetectionService?
            var task: Task<Void, Never>?
            if let detection {
                let running = DetectionService(
                    store: store,
                    configuration: DetectionService.Configuration(rulesDirectory: detection.rules),
                    pseudonymizer: Pseudonymizer(secret: [UInt8](repeating: 7, count: 32)),
                    reference: detection.reference,
                    signal: signal
                )
                service = running
                task = Task { await running.run() }
            }
            let pipeline = IngestPipeline(
                store: store,
                clock: CustosAPI.systemClock,
                observe: { _ in signal.signal() }
            )
            let requests = BenchCommand.requests(all, batch: batch)
            let start = ContinuousClock.now
            try await BenchCommand.submitConcurrently(requests, to: pipeline)
            let ingested = ContinuousClock.now
            var findings = 0
            if let service {
                let last = Int64(all.count - 1)
                while await service.coveredSeq < last {
                    signal.signal()
                    try await Task.sleep(for: .milliseconds(20))
                }
                task?.cancel()
                await task?.value
                var cursor: Int64?
                while true {
                    let page = try await store.findings(after: cursor, limit: 10_000)
                    guard let last = page.last else { break }
                    findings += page.count
                    cursor = last.id
                }
            }
            return IngestTiming(
                ingest: BenchCommand.seconds(ingested - start),
                caughtUp: BenchCommand.seconds(ContinuousClock.now - ingested),
                findings: findings
            )
        }

        static func format(_ value: Double) -> String { String(format: "%.2f", value) }
        static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
        static func column(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: " ", count: max(0, width - text.count)) + text
        }
    }
}
