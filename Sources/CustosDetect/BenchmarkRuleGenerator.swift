import CustosCore

/// Generates a deterministic set of Sigma rules over Custos fields for the detection benchmark
/// (`custos bench detect`): a realistic mix of plain values, wildcards, `contains`/`startswith`/`endswith`, `re`,
/// `cidr`, numeric comparisons, `exists`, `1 of`/`all of`/`not` conditions, and about one correlation in five
/// (`event_count`, `value_count`, `temporal`, grouped by `actor.id`, timespans of minutes to an hour).
///
/// The same count and seed give the same files. Rule files are named `bench_NNN.yml`; their ids are unique, so the
/// set loads beside the built-in pack.
///
/// ```swift
/// let files = BenchmarkRuleGenerator(seed: 1).files(count: 200)
/// let set = RuleSet(files: files.merging(pack) { a, _ in a })
/// ```
public struct BenchmarkRuleGenerator: Sendable {
    /// The seed of the generated set.
    public let seed: UInt64
    /// The share of generated rules that are correlations (0…1).
    public var correlationShare = 0.2

    /// A generator for one seed.
    public init(seed: UInt64) {
        self.seed = seed
    }

    /// `count` rules as file name → YAML text: detection rules first, each correlation in the file of the detection
    /// rule(s) it refers to. Exactly `count` documents in all, `count × correlationShare` (rounded) of them
    /// correlations.
    public func files(count: Int) -> [String: String] {
        var random = SplitMix64(seed: seed)
        let correlationCount = Int((Double(count) * correlationShare).rounded())
        let detectionCount = count - correlationCount
        var documents: [String] = []
        for index in 0..<detectionCount {
            documents.append(detectionRule(index, random: &random))
        }
        for index in 0..<correlationCount {
            let target = index % max(1, detectionCount)
            let other = (target + 1 + Int(random.next() % UInt64(max(1, detectionCount - 1)))) % max(1, detectionCount)
            documents[target] += "---\n" + correlationRule(index, first: target, second: other, random: &random)
        }
        var files: [String: String] = [:]
        for (index, text) in documents.enumerated() {
            files["bench_\(Self.padded(index)).yml"] = text
        }
        return files
    }

    // MARK: - Detection rules

    private static let actions = ["view", "search", "export", "print", "update", "login", "logout"]
    private static let datasets = ["persons", "cases", "vehicles", "addresses"]
    private static let apps = ["records", "casebook", "dmv-lookup", "geo-lookup", "sso", "admin-console"]
    private static let roles = ["officer", "analyst", "records-clerk", "supervisor", "it-admin", "service"]
    private static let labels = ["pii", "case", "restricted"]
    private static let offices = ["MSP", "NYC", "DEN", "SEA"]

    /// One field condition line (`field|modifier: value`, or a list) chosen at random.
    private func condition(_ random: inout SplitMix64) -> String {
        switch random.next() % 22 {
        case 0: return "action: \(random.pick(Self.actions))"
        case 1: return "action:\n            - \(random.pick(Self.actions))\n            - \(random.pick(Self.actions))"
        case 2: return "resource.dataset: \(random.pick(Self.datasets))"
        case 3: return "app|contains: '\(random.pick(Self.apps).prefix(4))'"
        case 4: return "resource.labels: \(random.pick(Self.labels))"
        case 5: return "actor.ip|cidr: 10.\(20 + random.next() % 6).0.0/16"
        case 6: return "rows|gt: \(100 * (1 + random.next() % 50))"
        case 7: return "rows|lte: \(random.next() % 2 == 0 ? 0 : 1)"
        case 8: return "bytes|gte: \(100_000 * (1 + random.next() % 20))"
        case 9: return "query|contains: '\(random.pick(["LIKE", "SELECT", "surname", "given_name", "%"]))'"
        case 10: return "query|re|i: '^(select|surname) .*\(random.pick(["like", "=", "and", "or"]))'"
        case 11: return "actor.roles: \(random.pick(Self.roles))"
        case 12: return "subjects|startswith: 'person:\(1 + random.next() % 9)'"
        case 13: return "purpose.case|exists: \(random.next() % 2 == 0)"
        case 14: return "purpose.reason|contains: '\(random.pick(["export", "request", "review", "audit"]))'"
        case 15: return "actor.device|endswith: '-\(Self.padded(Int(random.next() % 40), width: 4))'"
        case 16:
            let role = random.pick(["officer", "clerk", "analyst", "supervisor"])
            return "actor.id: '\(role)-00?\(random.next() % 10)'"
        case 17: return "actor.device: 'WS-\(random.pick(Self.offices))-*'"
        case 18: return "outcome: denied"
        case 19: return "resource.id|startswith: '\(random.pick(Self.datasets))/\(1 + random.next() % 9)'"
        case 20: return "enrichment.local_hour|lt: \(1 + random.next() % 6)"
        default: return "enrichment.subject_watchlisted: true"
        }
    }

    /// A condition few events meet (denials, large exports, restricted data, the small hours, watch lists).
    private func rareCondition(_ random: inout SplitMix64) -> String {
        switch random.next() % 7 {
        case 0: return "outcome: denied"
        case 1: return "rows|gt: \(1000 * (1 + random.next() % 20))"
        case 2: return "resource.labels: restricted"
        case 3: return "enrichment.local_hour|lt: \(1 + random.next() % 5)"
        case 4: return "enrichment.subject_watchlisted: true"
        case 5: return "bytes|gte: \(1_000_000 * (1 + random.next() % 10))"
        default: return "purpose.reason|contains: '\(random.pick(["audit", "urgent", "personal"]))'"
        }
    }

    private func selection(_ name: String, _ random: inout SplitMix64) -> String {
        var text = "    \(name):\n"
        var keys = Set<String>()
        if name != "filter" {
            // Real rules are selective: every positive selection carries one rarely true condition.
            let anchor = rareCondition(&random)
            keys.insert(String(anchor.prefix(while: { $0 != ":" })))
            text += "        " + anchor + "\n"
        }
        for _ in 0..<(random.next() % 3 + (name == "filter" ? 1 : 0)) {
            let line = condition(&random)
            // A key may appear once in a YAML mapping.
            guard keys.insert(String(line.prefix(while: { $0 != ":" }))).inserted else { continue }
            text += "        " + line + "\n"
        }
        return text
    }

    private func detectionRule(_ index: Int, random: inout SplitMix64) -> String {
        let shape = random.next() % 5
        var detection = ""
        let condition: String
        switch shape {
        case 0:
            detection = selection("selection", &random)
            condition = "selection"
        case 1:
            detection = selection("selection", &random) + selection("filter", &random)
            condition = "selection and not filter"
        case 2:
            detection = selection("sel_a", &random) + selection("sel_b", &random) + selection("sel_c", &random)
            condition = "1 of sel_*"
        case 3:
            detection = selection("sel_a", &random) + selection("sel_b", &random)
            condition = "all of sel_*"
        default:
            detection =
                selection("selection", &random) + selection("alt_a", &random) + selection("alt_b", &random)
                + selection("filter", &random)
            condition = "selection and (alt_a or alt_b) and not filter"
        }
        let level = random.pick(["informational", "low", "medium", "high", "critical"])
        return """
            title: Benchmark rule \(index)
            id: bench-rule-\(Self.padded(index))
            name: bench_rule_\(Self.padded(index))
            description: Generated for the detection benchmark (seed \(seed)).
            logsource:
                product: custos
            detection:
            \(detection)    condition: \(condition)
            level: \(level)

            """
    }

    // MARK: - Correlations

    private func correlationRule(_ index: Int, first: Int, second: Int, random: inout SplitMix64) -> String {
        let minutes = random.pick([5, 10, 15, 30, 60])
        let header = """
            title: Benchmark correlation \(index)
            id: bench-correlation-\(Self.padded(index))
            name: bench_correlation_\(Self.padded(index))
            level: \(random.pick(["medium", "high"]))
            correlation:

            """
        switch random.next() % 3 {
        case 0:
            return header + """
                    type: event_count
                    rules: bench_rule_\(Self.padded(first))
                    group-by:
                        - actor.id
                    timespan: \(minutes)m
                    condition:
                        gte: \(5 + random.next() % 20)

                """
        case 1:
            return header + """
                    type: value_count
                    rules: bench_rule_\(Self.padded(first))
                    group-by:
                        - actor.id
                    timespan: \(minutes)m
                    condition:
                        field: \(random.pick(["resource.id", "subjects", "actor.ip"]))
                        gte: \(5 + random.next() % 20)

                """
        default:
            return header + """
                    type: temporal
                    rules:
                        - bench_rule_\(Self.padded(first))
                        - bench_rule_\(Self.padded(second))
                    group-by:
                        - actor.id
                    timespan: \(minutes)m

                """
        }
    }

    private static func padded(_ value: Int, width: Int = 3) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension SplitMix64 {
    /// One of `values`, chosen by the next random number.
    fileprivate mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }
}
