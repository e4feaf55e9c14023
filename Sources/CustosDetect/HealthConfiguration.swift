import Yams

/// How the ``HealthMonitor`` decides that a source went silent, read from `rules/health.yml` (documented in
/// docs/rules.md, "Health rules"). Every value has a default; unknown keys and wrong types are refused with
/// `file:line:column`.
public struct HealthConfiguration: Sendable, Hashable {
    /// Whether `health.source_silent` reports at all.
    public var enabled = true
    /// The level of its findings.
    public var level = "high"
    /// The shortest silence reported, in minutes, however busy the source usually is.
    public var minimumSilenceMinutes = 120
    /// How many times the source's median gap between events a silence must last.
    public var gapMultiplier = 10.0
    /// How many times the median, over the last `historyDays` days, of each day's longest ordinary gap (the app's
    /// usual night) a silence must last.
    public var longestGapMultiplier = 3.0
    /// The days of longest gaps remembered.
    public var historyDays = 14
    /// Events an app must have sent before its silences are judged (its warm-up).
    public var warmUpEvents = 500
    /// Days between an app's first and latest event before its silences are judged (so that its nights and a
    /// weekend are known).
    public var warmUpDays = 7
    /// The apps watched; empty watches every app that sends events.
    public var apps: [String] = []
    /// Apps never watched (say, a batch system that runs once a night).
    public var ignoredApps: [String] = ["custos"]

    /// The defaults.
    public init() {}

    /// The file names in a rules directory that configure the health monitor rather than hold Sigma rules.
    public static let fileNames: Set<String> = ["health.yml", "health.yaml"]

    /// Reads a configuration file; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(RuleError) -> HealthConfiguration {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let yamlError as YamlError {
            throw SigmaParser.ruleError(yamlError, file: file)
        } catch {
            throw RuleError(file: file, message: "invalid YAML: \(error)")
        }
        var configuration = HealthConfiguration()
        guard let node else { return configuration }
        let reader = YAMLNodeReader(file: file)
        for member in try reader.mapping(node, what: "the health configuration") {
            guard member.key == "source_silent" else {
                throw reader.error(member.keyNode, "unknown key '\(member.key)' in the health configuration")
            }
            for entry in try reader.mapping(member.value, what: "source_silent") {
                switch entry.key {
                case "enabled":
                    switch try reader.string(entry.value, what: "a boolean").lowercased() {
                    case "true", "yes": configuration.enabled = true
                    case "false", "no": configuration.enabled = false
                    default: throw reader.error(entry.value, "expected true or false")
                    }
                case "level":
                    let text = try reader.string(entry.value, what: "level")
                    guard ["informational", "low", "medium", "high", "critical"].contains(text) else {
                        throw reader.error(
                            entry.value,
                            "level must be one of informational, low, medium, high, critical"
                        )
                    }
                    configuration.level = text
                case "minimum_silence_minutes":
                    configuration.minimumSilenceMinutes = Int(try number(entry.value, reader, in: 1...525_600))
                case "gap_multiplier":
                    configuration.gapMultiplier = try number(entry.value, reader, in: 1...1e6)
                case "longest_gap_multiplier":
                    configuration.longestGapMultiplier = try number(entry.value, reader, in: 0...1e6)
                case "history_days":
                    configuration.historyDays = Int(try number(entry.value, reader, in: 1...366))
                case "warm_up_days":
                    configuration.warmUpDays = Int(try number(entry.value, reader, in: 0...366))
                case "warm_up_events":
                    configuration.warmUpEvents = Int(try number(entry.value, reader, in: 1...1e9))
                case "apps":
                    configuration.apps = try reader.strings(entry.value, what: "apps")
                case "ignored_apps":
                    configuration.ignoredApps = try reader.strings(entry.value, what: "ignored_apps")
                default:
                    throw reader.error(entry.keyNode, "unknown key '\(entry.key)' in source_silent")
                }
            }
        }
        return configuration
    }

    private static func number(
        _ node: Node,
        _ reader: YAMLNodeReader,
        in range: ClosedRange<Double>
    ) throws(RuleError) -> Double {
        let text = try reader.string(node, what: "a number").filter { $0 != "_" }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw reader.error(node, "expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
