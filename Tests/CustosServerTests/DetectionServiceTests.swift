import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Testing

@Suite("Detection service")
struct DetectionServiceTests {
    static func service(_ store: SQLiteStore, rules: String, batch: Int = 7) -> DetectionService {
        var configuration = DetectionService.Configuration(rulesDirectory: rules)
        configuration.batchSize = batch
        configuration.allowedLatenessMilliseconds = 0
        return DetectionService(
            store: store,
            configuration: configuration,
            pseudonymizer: DetectionFixtures.pseudonymizer,
            reference: nil,
            signal: CommitSignal()
        )
    }

    static func append(_ store: SQLiteStore, _ events: ArraySlice<AccessEvent>) async throws {
        for chunk in stride(from: events.startIndex, to: events.endIndex, by: 5) {
            let part = Array(events[chunk..<min(chunk + 5, events.endIndex)])
            _ = try await store.append([part], received: EventFixtures.baseTime)
        }
    }

    /// What identifies a finding across runs.
    static func keys(_ store: SQLiteStore) async throws -> [String] {
        try await store.findings(after: nil, limit: 10_000).map { s in
            let f = s.finding
            return "\(f.rule)|\(f.actor)|\(f.time.rfc3339)|\(f.evidence.map(\.id).joined(separator: ","))"
        }
    }

    @Test func restartWithStateAndReplayYieldsExactlyTheFindingsOfOneRun() async throws {
        let rules = try DetectionFixtures.rulesDirectory()
        let events = DetectionFixtures.events(60)

        let whole = try SQLiteStore(directory: try TemporaryDirectory().path)
        try await Self.append(whole, events[...])
        let uninterrupted = Self.service(whole, rules: rules)
        #expect(try await uninterrupted.processAvailable() == 60)
        let expected = try await Self.keys(whole)
        #expect(expected.count > 20)
        #expect(expected.contains { $0.hasPrefix("test-many-views|") })

        let dir = try TemporaryDirectory()
        var store = try SQLiteStore(directory: dir.path)
        try await Self.append(store, events[0..<23])
        _ = try await Self.service(store, rules: rules).processAvailable()
        try await Self.append(store, events[23..<41])
        // A new service (a restart): it restores the saved windows and replays the events after them.
        store = try SQLiteStore(directory: dir.path)
        let second = Self.service(store, rules: rules, batch: 3)
        try await second.processAvailable()
        try await Self.append(store, events[41...])
        try await Self.service(store, rules: rules).processAvailable()
        #expect(try await Self.keys(store) == expected)
        #expect(try await store.detectionCheckpoint()?.coveredSeq == 59)
    }

    /// The state is not saved with every step: a restart from a saved state older than the stored findings replays
    /// events whose findings are already stored, and stores none of them twice.
    @Test func replayFromAnOlderSavedStateRepeatsNoFinding() async throws {
        let rules = try DetectionFixtures.rulesDirectory()
        let events = DetectionFixtures.events(60)
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        try await Self.append(store, events[...])
        #expect(try await Self.service(store, rules: rules).processAvailable() == 60)
        let expected = try await Self.keys(store)
        #expect(expected.count > 20)

        // The state after event 22 only, as if the service had crashed before saving again.
        let early = try SQLiteStore(directory: try TemporaryDirectory().path)
        try await Self.append(early, events[0..<23])
        try await Self.service(early, rules: rules).processAvailable()
        let older = try #require(try await early.detectionCheckpoint())
        #expect(older.coveredSeq == 22)
        _ = try await store.commitDetectionStep(
            DetectionStep(findings: [], checkpoint: older, now: EventFixtures.baseTime)
        )

        let restarted = Self.service(store, rules: rules, batch: 5)
        #expect(try await restarted.processAvailable() == 37)
        #expect(try await Self.keys(store) == expected)
        #expect(try await store.detectionCheckpoint()?.coveredSeq == 59)
    }

    @Test func findingsOfOneUserGatherInOneAlert() async throws {
        let rules = try DetectionFixtures.rulesDirectory()
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        try await Self.append(store, DetectionFixtures.events(24)[...])
        try await Self.service(store, rules: rules).processAvailable()
        let alerts = try await store.alerts(AlertQuery()).alerts
        #expect(alerts.count == 3)
        #expect(Set(alerts.map(\.actor)) == ["officer-0", "officer-1", "officer-2"])
        for alert in alerts {
            #expect(alert.pseudonym == DetectionFixtures.pseudonymizer.pseudonym(alert.actor))
            let findings = try await store.findings(alert: alert.id)
            #expect(Int64(findings.count) == alert.findingCount)
            let weights = findings.map { AlertSeverity(level: $0.finding.severity).weight }.reduce(0, +)
            #expect(alert.riskScore == weights)
        }
    }

    @Test func aBadRuleFileKeepsTheLastGoodSetInForce() async throws {
        let rules = try DetectionFixtures.rulesDirectory()
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let service = Self.service(store, rules: rules)
        try Data("title: broken\ndetection:\n  sel: [\n".utf8).write(to: URL(fileURLWithPath: rules + "/zz.yml"))
        await service.reloadRulesIfChanged(force: true)
        let errors = await service.ruleErrors
        #expect(errors.count >= 1)
        #expect(errors.first?.contains("zz.yml") == true)
        try await Self.append(store, DetectionFixtures.events(4)[...])
        try await service.processAvailable()
        // The export rule of the last good set still fires.
        #expect(try await store.findings(after: nil, limit: 100).contains { $0.finding.rule == "test-export" })
        try FileManager.default.removeItem(atPath: rules + "/zz.yml")
        try FileManager.default.removeItem(atPath: rules + "/export.yml")
        await service.reloadRulesIfChanged(force: true)
        #expect(await service.ruleErrors.isEmpty)
        try await Self.append(store, DetectionFixtures.events(8)[4...])
        try await service.processAvailable()
        let exports = try await store.findings(after: nil, limit: 100).filter { $0.finding.rule == "test-export" }
        #expect(exports.count == 1)  // event 3 only; event 7 came after the export rule was removed
    }

    @Test func overseersEventsMeetTheSameRulesAndListenersHearOfEveryAlertChange() async throws {
        let rules = try DetectionFixtures.rulesDirectory()
        let reveal = """
            title: Reveal
            id: test-reveal
            logsource:
                product: custos
            detection:
                sel:
                    action: custos.alert.reveal
                condition: sel
            level: high
            """
        try Data(reveal.utf8).write(to: URL(fileURLWithPath: rules + "/reveal.yml"))
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        var events = DetectionFixtures.events(8)
        events.append(
            AccessEvent(
                time: EventFixtures.baseTime,
                actor: Actor(id: "supervisor-1", session: "key:k1"),
                action: "custos.alert.reveal",
                resource: Resource(type: "custos.alert", id: "1"),
                app: "custos"
            )
        )
        try await Self.append(store, events[...])
        let heard = ChangeLog()
        var configuration = DetectionService.Configuration(rulesDirectory: rules)
        configuration.allowedLatenessMilliseconds = 0
        let service = DetectionService(
            store: store,
            configuration: configuration,
            pseudonymizer: DetectionFixtures.pseudonymizer,
            reference: nil,
            signal: CommitSignal(),
            onAlertChange: { change in await heard.add(change) }
        )
        try await service.processAvailable()
        let alerts = try await store.alerts(AlertQuery()).alerts
        let supervisor = try #require(alerts.first { $0.actor == "supervisor-1" })
        #expect(supervisor.rules == ["test-reveal"])
        #expect(supervisor.severity == .high)
        let changes = await heard.changes
        #expect(changes.filter { $0.kind == .opened }.count == alerts.count)
        #expect(Int64(changes.count) == alerts.map(\.findingCount).reduce(0, +))
        let opened = try #require(changes.first { $0.alert.actor == "supervisor-1" }?.jsonValue.objectValue)
        #expect(opened["change"] == .string("opened"))
        #expect(opened["alert"]?.objectValue?["actor"] == .string(supervisor.pseudonym))
    }

    @Test func theConfigFileSetsTheRulesDirectoryAndLateness() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/config.json"
        try Data(#"{"data":"/d","rules_directory":"/r","allowed_lateness_seconds":5}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        let c = try ServerConfiguration.load(path: path)
        #expect(c.effectiveRulesDirectory == "/r")
        #expect(c.allowedLatenessSeconds == 5)
        #expect(ServerConfiguration().effectiveRulesDirectory == "./custos-data/rules")
        try Data(#"{"allowed_lateness_seconds":-1}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.load(path: path) }
    }

    @Test func pseudonymsAreStableAndKeyed() {
        let a = Pseudonymizer(secret: Array(repeating: 1, count: 32))
        let b = Pseudonymizer(secret: Array(repeating: 2, count: 32))
        #expect(a.pseudonym("officer-1") == a.pseudonym("officer-1"))
        #expect(a.pseudonym("officer-1") != a.pseudonym("officer-2"))
        #expect(a.pseudonym("officer-1") != b.pseudonym("officer-1"))
        #expect(a.pseudonym("officer-1").hasPrefix("p-") && a.pseudonym("officer-1").count == 26)
    }

    @Test func thePseudonymSecretIsOwnerOnly() throws {
        let dir = try TemporaryDirectory()
        let first = try Pseudonymizer.loadOrCreate(dataDirectory: dir.path)
        let again = try Pseudonymizer.loadOrCreate(dataDirectory: dir.path)
        #expect(first.pseudonym("x") == again.pseudonym("x"))
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.path + "/keys/pseudonym.key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }
}

/// Collects the alert changes a service reports.
actor ChangeLog {
    private(set) var changes: [AlertChange] = []

    func add(_ change: AlertChange) { changes.append(change) }
}
