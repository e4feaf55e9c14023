public import CustosCore
public import CustosDetect
public import CustosStore
import Foundation
public import Logging

/// The live detection service: it runs every finding source (the Sigma rules of the rules directory, and any
/// source added with ``addSource(name:_:)``) over every committed event once, in `seq` order, and commits each
/// step's findings, alert changes and the sources' new state with the `seq` it covers in ONE transaction. On start
/// it restores the saved state and replays the events after it, so a restart neither loses nor repeats a finding.
///
/// It runs in its own task (``run()``), woken by ``CommitSignal`` after ingest commits and polling as a fallback;
/// it never blocks ingest. Rule files are hot-reloaded: a change is validated whole, and a set with any error is
/// refused (each error logged as file:line:column: message) while the last good set stays in force.
public actor DetectionService {
    /// How the service runs.
    public struct Configuration: Sendable {
        /// The rules directory.
        public var rulesDirectory: String
        /// How late an event may arrive (event time) and still join its correlation window.
        public var allowedLatenessMilliseconds: Int64 = 60_000
        /// The most events in one committed step.
        public var batchSize = 500
        /// The longest wait between looks for new events when no commit signal arrives.
        public var pollMilliseconds = 1000
        /// How often the rules directory is checked for changes.
        public var reloadMilliseconds = 2000
        /// The most events processed between two saves of the sources' state while working through a backlog; the
        /// state is also saved whenever the service has caught up. Findings are committed with every step
        /// regardless; after a crash the events since the saved state are replayed and their findings, already
        /// stored, are not stored again (so this bounds the replay, not safety).
        public var checkpointEvents = 10_000

        /// A configuration over a rules directory.
        public init(rulesDirectory: String) {
            self.rulesDirectory = rulesDirectory
        }
    }

    private struct NamedSource {
        var name: String
        var source: any FindingSource
    }

    private let store: any EventStore & AlertStore
    private let configuration: Configuration
    private let pseudonymizer: Pseudonymizer
    private var reference: ReferenceEnrichment?
    private let signal: CommitSignal
    private let onAlertChange: @Sendable (AlertChange) async -> Void
    private let clock: @Sendable () -> Timestamp
    private let logger: Logger
    private var sources: [NamedSource] = []
    private var ruleVersions: [String: String] = [:]
    private var rulesFingerprint = ""
    private var lastReload = ContinuousClock.now
    private var covered: Int64 = -1
    private var resumed = false
    /// Events processed since the sources' state was last saved.
    private var unsavedEvents = 0
    /// Whether this service has saved the sources' state yet.
    private var hasSaved = false
    /// The errors of the latest rejected (or, at start, partly loaded) rules directory, as file:line:column: message.
    public private(set) var ruleErrors: [String] = []

    /// Creates the service and loads the rules (at start, the files without errors are used and the errors logged).
    public init(
        store: any EventStore & AlertStore,
        configuration: Configuration,
        pseudonymizer: Pseudonymizer,
        reference: ReferenceEnrichment?,
        signal: CommitSignal,
        clock: @escaping @Sendable () -> Timestamp = CustosAPI.systemClock,
        logger: Logger = Logger(label: "custos.detect"),
        onAlertChange: @escaping @Sendable (AlertChange) async -> Void = { _ in }
    ) {
        self.store = store
        self.configuration = configuration
        self.pseudonymizer = pseudonymizer
        self.reference = reference
        self.signal = signal
        self.clock = clock
        self.logger = logger
        self.onAlertChange = onAlertChange
        let directory = RuleDirectory.read(configuration.rulesDirectory)
        let ruleSet = RuleSet(files: directory.files)
        ruleErrors = ruleSet.errors.map(\.description)
        for error in ruleErrors { logger.error("rule error: \(error)") }
        let engine = Self.engine(ruleSet, configuration: configuration, logger: logger)
        sources = [NamedSource(name: "sigma", source: engine)]
        ruleVersions = directory.versions(of: ruleSet)
        rulesFingerprint = directory.fingerprint
        logger.info(
            "detection: \(ruleSet.rules.count) rules and \(ruleSet.correlations.count) correlations loaded"
        )
    }

    /// Puts new reference data in force for the events processed from now on (a new entity-store version).
    public func updateReference(_ reference: ReferenceEnrichment?) {
        self.reference = reference
    }

    /// Puts a new entity-store version in force for the events processed from now on: the reference enrichment
    /// and the directory of every baseline detector.
    public func updateEntities(_ snapshot: EntitySnapshot) {
        reference = snapshot.referenceEnrichment
        let directory = snapshot.baselineDirectory
        for index in sources.indices {
            guard var detector = sources[index].source as? BaselineDetector else { continue }
            detector.directory = directory
            sources[index].source = detector
        }
    }

    /// Adds another finding source (a baseline detector); call before ``run()`` or ``processAvailable()``.
    public func addSource(name: String, _ source: any FindingSource) {
        sources.append(NamedSource(name: name, source: source))
    }

    /// The last `seq` processed (-1 before any).
    public var coveredSeq: Int64 { covered }

    /// Processes committed events until it is cancelled, waking on commits and polling as a fallback.
    public func run() async {
        while !Task.isCancelled {
            do {
                reloadRulesIfChanged()
                _ = try await processAvailable()
            } catch {
                logger.error("detection step failed: \(error)")
                resumed = false  // reload the committed state before trying again
                try? await Task.sleep(for: .seconds(1))
            }
            await signal.wait(timeoutMilliseconds: configuration.pollMilliseconds)
        }
    }

    /// Processes every committed event not yet processed; returns how many it processed.
    @discardableResult
    public func processAvailable() async throws -> Int {
        if !resumed { try await resume() }
        var processed = 0
        while true {
            let page = try await store.events(
                EventQuery(
                    cursor: covered >= 0 ? PageCursor(position: covered) : nil,
                    limit: configuration.batchSize,
                    order: .ascending
                )
            )
            if page.events.isEmpty {
                if unsavedEvents > 0 { try await saveState() }
                return processed
            }
            do {
                try await step(page.events)
            } catch {
                resumed = false
                throw error
            }
            processed += page.events.count
        }
    }

    /// Checks the rules directory and swaps in its rules if they changed and are all valid.
    public func reloadRulesIfChanged(force: Bool = false) {
        let now = ContinuousClock.now
        guard force || now - lastReload >= .milliseconds(configuration.reloadMilliseconds) else { return }
        lastReload = now
        let fingerprint = RuleDirectory.fingerprint(of: configuration.rulesDirectory)
        guard fingerprint != rulesFingerprint else { return }
        let directory = RuleDirectory.read(configuration.rulesDirectory)
        rulesFingerprint = directory.fingerprint
        let ruleSet = RuleSet(files: directory.files)
        guard ruleSet.errors.isEmpty else {
            ruleErrors = ruleSet.errors.map(\.description)
            for error in ruleErrors { logger.error("rule error (the last good rules stay in force): \(error)") }
            return
        }
        var engine = Self.engine(ruleSet, configuration: configuration, logger: logger)
        if let index = sources.firstIndex(where: { $0.name == "sigma" }) {
            if let state = try? sources[index].source.snapshotData() { try? engine.restore(data: state) }
            sources[index].source = engine
        }
        ruleVersions = directory.versions(of: ruleSet)
        ruleErrors = []
        logger.info("detection: reloaded \(ruleSet.rules.count) rules and \(ruleSet.correlations.count) correlations")
    }

    private static func engine(_ ruleSet: RuleSet, configuration: Configuration, logger: Logger) -> DetectionEngine {
        let settings = CorrelationEngine.Configuration(
            allowedLatenessMilliseconds: configuration.allowedLatenessMilliseconds
        )
        if let engine = try? DetectionEngine(ruleSet: ruleSet, configuration: settings) { return engine }
        // RuleSet keeps only correlations that compile together, so this is not expected; run no rules rather than crash.
        logger.error("detection: the rules cannot run together; detection runs with no rules")
        return (try? DetectionEngine(ruleSet: RuleSet(files: [:]), configuration: settings))!
    }

    /// Restores every source's state and the covered `seq` from the store.
    private func resume() async throws {
        guard let checkpoint = try await store.detectionCheckpoint() else {
            covered = -1
            resumed = true
            return
        }
        let states = try JSONDecoder().decode([String: Data].self, from: Data(checkpoint.state))
        for index in sources.indices {
            if let state = states[sources[index].name] { try sources[index].source.restore(data: Array(state)) }
        }
        covered = checkpoint.coveredSeq
        unsavedEvents = 0
        resumed = true
    }

    /// The sources' states with the `seq` they cover.
    private func checkpoint(coveredSeq: Int64) throws -> DetectionCheckpoint {
        var states: [String: Data] = [:]
        for source in sources { states[source.name] = Data(try source.source.snapshotData()) }
        return DetectionCheckpoint(coveredSeq: coveredSeq, state: Array(try JSONEncoder().encode(states)))
    }

    /// Saves the sources' states (a step with no findings).
    private func saveState() async throws {
        let changes = try await store.commitDetectionStep(
            DetectionStep(findings: [], checkpoint: try checkpoint(coveredSeq: covered), now: clock())
        )
        unsavedEvents = 0
        hasSaved = true
        for change in changes { await onAlertChange(change) }
    }

    private func step(_ events: [StoredEvent]) async throws {
        var actors: [Int64: String] = [:]
        var ids: [Int64: String] = [:]
        var found: [(producedAt: Int64, source: String, finding: Finding, matchActor: String?)] = []
        for stored in events {
            let fields = stored.jsonValue.objectValue ?? JSONObject()
            let enrichment = reference?.enrichment(for: fields, time: stored.event.time) ?? JSONObject()
            let event = DetectionEvent(stored: stored, enrichment: enrichment)
            actors[stored.seq] = stored.event.actor.id
            if let id = stored.event.id { ids[stored.seq] = id }
            for index in sources.indices {
                for finding in sources[index].source.process(event) {
                    let matchActor = finding.kind == .match ? stored.event.actor.id : nil
                    found.append(
                        (producedAt: stored.seq, source: sources[index].name, finding: finding, matchActor: matchActor)
                    )
                }
            }
        }
        var findings: [NewFinding] = []
        var ordinals: [Int64: Int] = [:]
        for item in found {
            var evidenceActor: String?
            if item.matchActor == nil, !item.finding.group.contains(where: { $0.field == "actor.id" }),
                let first = item.finding.evidence.first
            {
                evidenceActor = try await actor(ofSeq: first.index, known: actors)
            }
            let reported = ReportedFinding(
                item.finding,
                matchActor: item.matchActor,
                evidenceActor: { _ in evidenceActor },
                evidenceID: { ids[$0.index] }
            )
            let ordinal = ordinals[item.producedAt, default: 0]
            ordinals[item.producedAt] = ordinal + 1
            findings.append(
                NewFinding(
                    producedAt: item.producedAt,
                    ordinal: ordinal,
                    source: item.source,
                    kind: item.finding.kind.rawValue,
                    rule: reported.rule,
                    title: reported.title,
                    ruleVersion: ruleVersions[reported.rule],
                    actor: reported.actor,
                    pseudonym: pseudonymizer.pseudonym(reported.actor),
                    time: Timestamp(millisecondsSinceEpoch: reported.timeMilliseconds),
                    severity: AlertSeverity(level: reported.severity).rawValue,
                    explanation: reported.explanation,
                    evidence: zip(item.finding.evidence, reported.evidence).map {
                        FindingEvidence(seq: $0.0.index, id: $0.1)
                    }
                )
            )
        }
        let last = events[events.count - 1].seq
        // The first step of this service saves, so that a failed step always resumes from a state of this run.
        let saves = !hasSaved || unsavedEvents + events.count >= configuration.checkpointEvents
        let changes = try await store.commitDetectionStep(
            DetectionStep(findings: findings, checkpoint: saves ? try checkpoint(coveredSeq: last) : nil, now: clock())
        )
        covered = last
        if saves {
            unsavedEvents = 0
            hasSaved = true
        } else {
            unsavedEvents += events.count
        }
        for change in changes { await onAlertChange(change) }
    }

    private func actor(ofSeq seq: Int64, known: [Int64: String]) async throws -> String? {
        if let actor = known[seq] { return actor }
        let page = try await store.events(
            EventQuery(cursor: PageCursor(position: seq - 1), limit: 1, order: .ascending)
        )
        return page.events.first { $0.seq == seq }?.event.actor.id
    }
}
