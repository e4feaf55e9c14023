import CustosCore
import CustosDetect
import CustosSimulation
import Foundation
import Testing

/// Pins the findings of the `custos bench detect` workload (the built-in pack plus 200 generated rules over simulated,
/// enriched events), so that an optimisation of the engine that changes any finding, its order or its explanation
/// fails here. The expected values were computed by the engine after its performance work (field slots, required
/// conditions, prepared explanations, correlation windows updated in place), whose `custos rules test` output over the
/// first 60,000 events of this workload was byte-identical (10,708 findings, 91 of them correlations) to that of the
/// engine before it.
@Suite("Benchmark workload digest")
struct BenchmarkWorkloadDigestTests {
    /// How many simulated events the digest covers.
    static let eventCount = 20_000

    /// The workload's findings, in the order the engine reports them, then those of `finish()`.
    static func findings() throws -> [Finding] {
        let files = BenchmarkRuleGenerator(seed: 1).files(count: 200).merging(try RulePackTests.packFiles()) { a, _ in a
        }
        let ruleSet = RuleSet(files: files)
        #expect(ruleSet.errors.isEmpty, "\(ruleSet.errors.prefix(3))")
        let simulation = AgencySimulation(config: SimulationConfig(officers: 500, days: 365, seed: 11))
        let reference = ReferenceEnrichment(entities: simulation.referenceEntities())
        var engine = try DetectionEngine(ruleSet: ruleSet)
        var findings: [Finding] = []
        var seq: Int64 = 0
        for event in simulation.events() {
            let fields = event.jsonValue.objectValue ?? JSONObject()
            let detectionEvent = DetectionEvent(
                fields: fields,
                time: event.time,
                seq: seq,
                id: event.id,
                enrichment: reference.enrichment(for: fields, time: event.time)
            )
            findings += engine.process(detectionEvent)
            seq += 1
            if seq == eventCount { break }
        }
        findings += engine.finish()
        return findings
    }

    /// FNV-1a (64 bits) over each finding's JSON with sorted keys: every field, explanation included.
    static func digest(_ findings: [Finding]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for finding in findings {
            for byte in try encoder.encode(finding) + [0x0A] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        return String(hash, radix: 16)
    }

    /// With `CUSTOS_WORKLOAD_DUMP=DIR` set, writes the workload as files (DIR/rules/*.yml, DIR/events.ndjson with
    /// the first `CUSTOS_WORKLOAD_DUMP_EVENTS` events, default 200,000, and DIR/entities.json), so that two builds'
    /// `custos rules test --rules DIR/rules --events DIR/events.ndjson --reference DIR/entities.json` outputs can be
    /// compared byte for byte; otherwise does nothing.
    @Test func dumpsTheWorkloadWhenAsked() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let directory = environment["CUSTOS_WORKLOAD_DUMP"] else { return }
        let count = environment["CUSTOS_WORKLOAD_DUMP_EVENTS"].flatMap { Int($0) } ?? 200_000
        let files = BenchmarkRuleGenerator(seed: 1).files(count: 200).merging(try RulePackTests.packFiles()) { a, _ in a
        }
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/rules/" + name))
        }
        let simulation = AgencySimulation(config: SimulationConfig(officers: 500, days: 365, seed: 11))
        try Data(CanonicalJSON.encode(simulation.referenceEntities())).write(
            to: URL(fileURLWithPath: directory + "/entities.json")
        )
        var lines: [UInt8] = []
        var written = 0
        for event in simulation.events() {
            lines += CanonicalJSON.encode(event.jsonValue) + [0x0A]
            written += 1
            if written == count { break }
        }
        try Data(lines).write(to: URL(fileURLWithPath: directory + "/events.ndjson"))
        #expect(written == count)
    }

    @Test func findingsOfTheBenchmarkWorkloadAreUnchanged() throws {
        let findings = try Self.findings()
        let matches = findings.filter { $0.kind == .match }.count
        print(
            "benchmark workload: \(findings.count) findings (\(matches) matches), digest \(try Self.digest(findings))"
        )
        #expect(findings.count == 1442)
        #expect(matches == 1441)
        #expect(try Self.digest(findings) == "f065d56e50e8eb3d")
    }
}
