import ArgumentParser
import CustosCore
import CustosDetect
import Foundation

/// `custos eval`: measures a rule pack against a simulation's ground truth.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a rule pack on a simulation: recall per scenario, precision, time to detect.",
        discussion: """
            Runs the rules over DIR/events.ndjson (enriched with DIR/entities.json) and compares the findings with \
            DIR/labels.ndjson. A label is detected when a finding has its actor and either cites one of its events \
            or falls within [start, end + 1 h]. Precision: findings explained by some misuse label over all \
            findings (a finding explained only by a benign label is a false positive). Time to detect: finding \
            time − label start, in event time, for the earliest finding of each detected label.
            """
    )

    @Option(name: .long, help: "The simulation directory (custos simulate --out).")
    var sim: String

    @Option(name: .long, help: "The rule directory (default: rules).")
    var rules: String = "rules"

    @Flag(name: .long, help: "Do not run the behavioural baselines (baselines.yml in the rule directory).")
    var noBaselines = false

    @Option(name: .long, help: "Output format: table or json.")
    var format: String = "table"

    func validate() throws {
        guard ["table", "json"].contains(format) else { throw ValidationError("--format must be table or json") }
    }

    struct Label {
        var scenario: String
        var actor: String
        var start: Int64
        var end: Int64
        var events: Set<String>
        var benign: Bool
    }

    func run() async throws {
        let ruleSet = try RulePack.load(directory: rules)
        let entitiesPath = sim + "/entities.json"
        let baselines = noBaselines ? nil : try RulePack.loadBaselines(directory: rules)
        let health = try RulePack.loadHealth(directory: rules)
        let entities =
            FileManager.default.fileExists(atPath: entitiesPath) ? try RulePack.loadEntities(entitiesPath) : nil
        var state: (users: Int, bytes: Int)?
        let findings = try RulePack.run(
            ruleSet,
            eventsPath: sim + "/events.ndjson",
            entities: entities,
            baselines: baselines,
            baselineState: { state = $0 },
            health: health
        )
        let labels = try Self.readLabels(sim + "/labels.ndjson")
        var report = Self.evaluate(findings: findings, labels: labels)
        if let state, var object = report.objectValue {
            // The baselines' state at the end of the run: users with state and an estimate of its bytes.
            object["baseline_users"] = .integer(Int64(state.users))
            object["baseline_state_bytes"] = .integer(Int64(state.bytes))
            object["baseline_state_bytes_per_user"] = .integer(Int64(state.bytes / max(1, state.users)))
            report = .object(object)
        }
        if format == "json" {
            print(String(decoding: CanonicalJSON.encode(report), as: UTF8.self))
        } else {
            print(Self.table(report))
            if let state {
                print(
                    "baseline state: \(state.users) users, \(state.bytes) bytes "
                        + "(\(state.bytes / max(1, state.users)) per user)"
                )
            }
        }
    }

    static func readLabels(_ path: String) throws -> [Label] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationErrorText("cannot read \(path)")
        }
        var labels: [Label] = []
        for (n, line) in data.split(separator: 0x0A).enumerated() where !line.isEmpty {
            guard let object = try? JSONParser().parse(Array(line)).objectValue,
                let scenario = object["scenario"]?.stringValue, let actor = object["actor"]?.stringValue,
                let startText = object["start"]?.stringValue, case .success(let start) = Timestamp.parse(startText),
                let endText = object["end"]?.stringValue, case .success(let end) = Timestamp.parse(endText)
            else { throw ValidationErrorText("\(path):\(n + 1): not a label") }
            var benign = false
            if case .bool(let b)? = object["benign"] { benign = b }
            labels.append(
                Label(
                    scenario: scenario,
                    actor: actor,
                    start: start.millisecondsSinceEpoch,
                    end: end.millisecondsSinceEpoch,
                    events: Set((object["event_ids"]?.arrayValue ?? []).compactMap(\.stringValue)),
                    benign: benign
                )
            )
        }
        return labels
    }

    static func explains(_ label: Label, _ finding: ReportedFinding) -> Bool {
        guard label.actor == finding.actor else { return false }
        if finding.evidence.contains(where: label.events.contains) { return true }
        return finding.timeMilliseconds >= label.start && finding.timeMilliseconds <= label.end + 3_600_000
    }

    static func median(_ values: [Int64]) -> JSONValue {
        guard !values.isEmpty else { return .null }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        let ms = sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
        return .double((ms / 1000 * 10).rounded() / 10)
    }

    static func evaluate(findings: [ReportedFinding], labels: [Label]) -> JSONValue {
        var labelsByActor: [String: [Int]] = [:]
        for (i, label) in labels.enumerated() { labelsByActor[label.actor, default: []].append(i) }
        var firstDetection: [Int: Int64] = [:]
        var truePositives = 0
        var benignOnly = 0
        var byRule: [String: (findings: Int, tp: Int)] = [:]
        for finding in findings {
            var misuse = false
            var benign = false
            for i in labelsByActor[finding.actor] ?? [] where explains(labels[i], finding) {
                if labels[i].benign {
                    benign = true
                } else {
                    misuse = true
                    let ttd = max(0, finding.timeMilliseconds - labels[i].start)
                    firstDetection[i] = min(firstDetection[i] ?? ttd, ttd)
                }
            }
            if misuse { truePositives += 1 } else if benign { benignOnly += 1 }
            var counts = byRule[finding.rule] ?? (0, 0)
            counts.findings += 1
            if misuse { counts.tp += 1 }
            byRule[finding.rule] = counts
        }
        var kinds = JSONObject()
        var allTTD: [Int64] = []
        let misuseKinds = Set(labels.filter { !$0.benign }.map(\.scenario)).sorted()
        for kind in misuseKinds {
            let indices = labels.indices.filter { labels[$0].scenario == kind && !labels[$0].benign }
            let ttds = indices.compactMap { firstDetection[$0] }
            allTTD += ttds
            kinds[kind] = .object(
                JSONObject([
                    ("labels", .integer(Int64(indices.count))),
                    ("detected", .integer(Int64(ttds.count))),
                    ("recall", .double(Double(ttds.count) / Double(max(1, indices.count)))),
                    ("median_ttd_seconds", median(ttds)),
                ])
            )
        }
        var benignKinds = JSONObject()
        for kind in Set(labels.filter(\.benign).map(\.scenario)).sorted() {
            let indices = labels.indices.filter { labels[$0].scenario == kind && labels[$0].benign }
            let hit = indices.filter { i in findings.contains { explains(labels[i], $0) } }.count
            benignKinds[kind] = .object(
                JSONObject([("labels", .integer(Int64(indices.count))), ("flagged", .integer(Int64(hit)))])
            )
        }
        var rules = JSONObject()
        for (rule, counts) in byRule.sorted(by: { $0.key < $1.key }) {
            rules[rule] = .object(
                JSONObject([
                    ("findings", .integer(Int64(counts.findings))), ("true_positives", .integer(Int64(counts.tp))),
                ])
            )
        }
        let detectedLabels = firstDetection.count
        let misuseLabels = labels.filter { !$0.benign }.count
        return .object(
            JSONObject([
                ("findings", .integer(Int64(findings.count))),
                ("true_positive_findings", .integer(Int64(truePositives))),
                ("benign_only_findings", .integer(Int64(benignOnly))),
                ("precision", findings.isEmpty ? .null : .double(Double(truePositives) / Double(findings.count))),
                ("misuse_labels", .integer(Int64(misuseLabels))),
                ("detected_labels", .integer(Int64(detectedLabels))),
                ("recall", .double(Double(detectedLabels) / Double(max(1, misuseLabels)))),
                ("median_ttd_seconds", median(allTTD)),
                ("scenarios", .object(kinds)),
                ("benign", .object(benignKinds)),
                ("rules", .object(rules)),
            ])
        )
    }

    static func table(_ report: JSONValue) -> String {
        guard let r = report.objectValue else { return "" }
        func text(_ v: JSONValue?) -> String {
            switch v {
            case .integer(let i)?: return String(i)
            case .double(let d)?: return String(format: "%.2f", d)
            case .string(let s)?: return s
            default: return "-"
            }
        }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var lines = [pad("scenario", 26) + pad("labels", 8) + pad("detected", 10) + pad("recall", 8) + "median TTD (s)"]
        for (kind, value) in r["scenarios"]?.objectValue?.members.map({ ($0, $1) }) ?? [] {
            let o = value.objectValue
            lines.append(
                pad(kind, 26) + pad(text(o?["labels"]), 8) + pad(text(o?["detected"]), 10)
                    + pad(text(o?["recall"]), 8) + text(o?["median_ttd_seconds"])
            )
        }
        lines.append("")
        for (kind, value) in r["benign"]?.objectValue?.members.map({ ($0, $1) }) ?? [] {
            let o = value.objectValue
            lines.append("benign \(kind): \(text(o?["flagged"])) of \(text(o?["labels"])) labels flagged")
        }
        lines.append("")
        for (rule, value) in r["rules"]?.objectValue?.members.map({ ($0, $1) }) ?? [] {
            let o = value.objectValue
            lines.append(
                pad(rule, 40) + "findings \(text(o?["findings"]))  true positives \(text(o?["true_positives"]))"
            )
        }
        lines.append("")
        lines.append(
            "findings \(text(r["findings"])), precision \(text(r["precision"])), recall \(text(r["recall"])) "
                + "(\(text(r["detected_labels"])) of \(text(r["misuse_labels"])) incidents), "
                + "median time to detect \(text(r["median_ttd_seconds"])) s"
        )
        return lines.joined(separator: "\n")
    }
}
