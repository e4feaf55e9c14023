import CustosCore
import CustosDetect
import Foundation
import Testing

/// Compares CustosDetect with pySigma (via its sqlite backend) on a corpus of rules and generated events.
///
/// Runs only with `CUSTOS_LONG_TESTS=1`, since it needs Python with `pip install pysigma pysigma-backend-sqlite`.
/// The oracle is scripts/sigma_differential.py; set `PYTHON` to choose the interpreter (default `python3`).
@Suite("Differential against pySigma")
struct DifferentialTests {
    static let longTests = ProcessInfo.processInfo.environment["CUSTOS_LONG_TESTS"] == "1"

    @Test func corpusCompiles() throws {
        #expect(DifferentialCorpus.rules.count >= 100)
        for (name, text) in DifferentialCorpus.rules {
            _ = try RuleMatcher(rule: SigmaParser.parseRule(text, file: name))
        }
    }

    @Test(.enabled(if: longTests, "set CUSTOS_LONG_TESTS=1 (needs pysigma and pysigma-backend-sqlite)"))
    func matchesPySigma() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("custos-sigma-differential-\(ProcessInfo.processInfo.processIdentifier)")
        let rulesDirectory = directory.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rulesDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let rules = DifferentialCorpus.rules
        for (name, text) in rules {
            try Data(text.utf8).write(to: rulesDirectory.appendingPathComponent(name))
        }
        let flatEvents = DifferentialCorpus.events(count: 4000, seed: 20_261_123)
        var ndjson = Data()
        for event in flatEvents {
            ndjson.append(contentsOf: CanonicalJSON.encode(.object(JSONObject(event))))
            ndjson.append(UInt8(ascii: "\n"))
        }
        let eventsFile = directory.appendingPathComponent("events.ndjson")
        let outputFile = directory.appendingPathComponent("pysigma.json")
        try ndjson.write(to: eventsFile)

        let script = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/sigma_differential.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", script.path, rulesDirectory.path,
            eventsFile.path, outputFile.path,
        ]
        let errorPipe = Pipe()
        process.standardError = errorPipe
        try process.run()
        let errorOutput = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(
            process.terminationStatus == 0,
            "the oracle failed: \(String(decoding: errorOutput, as: UTF8.self))"
        )
        let output = try JSONSerialization.jsonObject(with: Data(contentsOf: outputFile)) as? [String: [String: Any]]
        let oracle = try #require(output)

        let events = flatEvents.map {
            DetectionEvent(fields: DifferentialCorpus.nested($0), time: Timestamp(millisecondsSinceEpoch: 0))
        }
        var agreeing = 0
        var totalMatches = 0
        var uninformative: [String] = []
        for (name, text) in rules {
            let result = try #require(oracle[name], "no oracle result for \(name)")
            if let error = result["error"] {
                Issue.record("pySigma could not convert \(name): \(error)")
                continue
            }
            let expected = Set((result["matches"] as? [Int]) ?? [])
            let matcher = try RuleMatcher(rule: SigmaParser.parseRule(text, file: name))
            let actual = Set(events.indices.filter { matcher.matches(events[$0]) })
            totalMatches += actual.count
            if (expected.isEmpty || expected.count == events.count) && !name.hasPrefix("random_") {
                uninformative.append(name)
            }
            if actual == expected {
                agreeing += 1
                continue
            }
            let onlyOurs = actual.subtracting(expected).sorted().prefix(3).map { describe(flatEvents[$0]) }
            let onlyTheirs = expected.subtracting(actual).sorted().prefix(3).map { describe(flatEvents[$0]) }
            Issue.record(
                """
                \(name): Custos matches \(actual.count), pySigma \(expected.count)
                SQL: \(result["sql"] ?? "")
                only Custos: \(onlyOurs)
                only pySigma: \(onlyTheirs)
                """
            )
        }
        #expect(agreeing == rules.count)
        // Every rule must separate the events: one that matches none or all of them proves little.
        #expect(uninformative.isEmpty, "rules matching no event or every event: \(uninformative)")
        // The corpus must exercise both outcomes: rules that match and events that do not.
        #expect(totalMatches > 0 && totalMatches < rules.count * events.count)
    }

    private func describe(_ event: [(String, JSONValue)]) -> String {
        String(decoding: CanonicalJSON.encode(.object(JSONObject(event))), as: UTF8.self)
    }
}
