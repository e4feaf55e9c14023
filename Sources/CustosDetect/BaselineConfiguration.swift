import Yams

/// How the ``BaselineDetector`` decides what is unusual, read from a YAML file (`rules/baselines.yml`, documented in
/// docs/rules.md). Every value has a default; unknown keys and wrong types are refused with `file:line:column`.
public struct BaselineConfiguration: Sendable, Hashable {
    /// Thresholds of one daily measure. A value is reported when it is at least `minimum`, at least `ratio` × the
    /// user's median (a median of 0 counts as 1), above median + `madMultiplier` × 1.4826 × MAD, and above the
    /// peers' `peerPercentile` when the peer group has enough members with history.
    public struct MeasureThresholds: Sendable, Hashable {
        /// Whether the measure reports at all.
        public var enabled: Bool
        /// The finding level.
        public var level: String
        /// The absolute floor: smaller values are never reported.
        public var minimum: Double
        /// How many times the user's median the value must reach.
        public var ratio: Double
        /// How many scaled MADs above the median the value must be.
        public var madMultiplier: Double

        /// Creates thresholds.
        public init(enabled: Bool = true, level: String, minimum: Double, ratio: Double, madMultiplier: Double) {
            self.enabled = enabled
            self.level = level
            self.minimum = minimum
            self.ratio = ratio
            self.madMultiplier = madMultiplier
        }
    }

    /// Whether a detector reports, and at which level.
    public struct Switch: Sendable, Hashable {
        /// Whether it reports.
        public var enabled: Bool
        /// The finding level.
        public var level: String

        /// Creates a switch.
        public init(enabled: Bool = true, level: String) {
            self.enabled = enabled
            self.level = level
        }
    }

    /// The rolling window of history, in local days.
    public var windowDays: Int = 30
    /// Active days in the window a user needs before baselines and first-seen detectors speak.
    public var minimumActiveDays: Int = 7
    /// The peers' percentile a value must exceed (role + org unit from the directory).
    public var peerPercentile: Double = 99
    /// Peers with enough history needed before the peer comparison applies.
    public var minimumPeers: Int = 5
    /// Whether service accounts (`kind: service` in the directory) are skipped.
    public var excludeServiceAccounts = true
    /// Thresholds per measure.
    public var measures: [BaselineMeasure: MeasureThresholds] = [
        .dailyRows: MeasureThresholds(level: "high", minimum: 5_000, ratio: 10, madMultiplier: 6),
        .dailySubjects: MeasureThresholds(level: "medium", minimum: 40, ratio: 3, madMultiplier: 6),
        .hourlySearches: MeasureThresholds(level: "medium", minimum: 40, ratio: 4, madMultiplier: 6),
    ]
    /// The unusual-hour detector (`baseline.active_hours`): activity in a local hour such that no active day of the
    /// window saw activity within `activeHoursMargin` hours of it.
    public var activeHours = Switch(level: "medium")
    /// How many hours on either side of an hour must have been quiet for it to be unusual.
    public var activeHoursMargin = 2
    /// First-seen detectors.
    public var firstSeen: [FirstSeenKind: Switch] = [
        .device: Switch(level: "medium"), .network: Switch(level: "low"),
        .dataset: Switch(enabled: false, level: "low"),
    ]
    /// First-seen values remembered per user and kind (the least recently seen are forgotten first).
    public var firstSeenCapacity = 64
    /// Dormancy: the first activity after at least `dormancyDays` days without any.
    public var dormancy = Switch(level: "high")
    /// Days without activity that make an account dormant.
    public var dormancyDays = 60

    /// The defaults.
    public init() {}

    /// The file names in a rules directory that configure the baselines rather than hold Sigma rules.
    public static let fileNames: Set<String> = ["baselines.yml", "baselines.yaml"]

    /// Reads a configuration file; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(RuleError) -> BaselineConfiguration {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let yamlError as YamlError {
            throw SigmaParser.ruleError(yamlError, file: file)
        } catch {
            throw RuleError(file: file, message: "invalid YAML: \(error)")
        }
        var configuration = BaselineConfiguration()
        guard let node else { return configuration }
        let reader = YAMLNodeReader(file: file)
        for member in try reader.mapping(node, what: "the baseline configuration") {
            switch member.key {
            case "window_days":
                configuration.windowDays = try integer(member.value, reader, in: 1...366)
            case "minimum_active_days":
                configuration.minimumActiveDays = try integer(member.value, reader, in: 1...366)
            case "peer_percentile":
                configuration.peerPercentile = try number(member.value, reader, in: 1...100)
            case "minimum_peers":
                configuration.minimumPeers = try integer(member.value, reader, in: 1...100_000)
            case "exclude_service_accounts":
                configuration.excludeServiceAccounts = try boolean(member.value, reader)
            case "first_seen_capacity":
                configuration.firstSeenCapacity = try integer(member.value, reader, in: 1...10_000)
            case "measures":
                for entry in try reader.mapping(member.value, what: "measures") {
                    guard let measure = BaselineMeasure(rawValue: entry.key) else {
                        let known = BaselineMeasure.allCases.map(\.rawValue).joined(separator: ", ")
                        throw reader.error(entry.keyNode, "unknown measure '\(entry.key)' (known: \(known))")
                    }
                    configuration.measures[measure] = try thresholds(
                        entry.value,
                        reader,
                        defaults: configuration.measures[measure]!
                    )
                }
            case "active_hours":
                var margin = configuration.activeHoursMargin
                configuration.activeHours = try detectorSwitch(
                    member.value,
                    reader,
                    defaults: configuration.activeHours
                ) {
                    key,
                    value throws(RuleError) in
                    guard key == "margin_hours" else { return false }
                    margin = try integer(value, reader, in: 0...11)
                    return true
                }
                configuration.activeHoursMargin = margin
            case "first_seen":
                for entry in try reader.mapping(member.value, what: "first_seen") {
                    guard let kind = FirstSeenKind(rawValue: entry.key) else {
                        let known = FirstSeenKind.allCases.map(\.rawValue).joined(separator: ", ")
                        throw reader.error(
                            entry.keyNode,
                            "unknown first-seen detector '\(entry.key)' (known: \(known))"
                        )
                    }
                    configuration.firstSeen[kind] = try detectorSwitch(
                        entry.value,
                        reader,
                        defaults: configuration.firstSeen[kind]!
                    )
                }
            case "dormancy":
                var days = configuration.dormancyDays
                configuration.dormancy = try detectorSwitch(member.value, reader, defaults: configuration.dormancy) {
                    key,
                    value throws(RuleError) in
                    guard key == "days" else { return false }
                    days = try integer(value, reader, in: 1...10_000)
                    return true
                }
                configuration.dormancyDays = days
            default:
                throw reader.error(member.keyNode, "unknown key '\(member.key)' in the baseline configuration")
            }
        }
        return configuration
    }

    private static let levels: Set<String> = ["informational", "low", "medium", "high", "critical"]

    private static func thresholds(
        _ node: Node,
        _ reader: YAMLNodeReader,
        defaults: MeasureThresholds
    ) throws(RuleError) -> MeasureThresholds {
        var result = defaults
        for member in try reader.mapping(node, what: "a measure") {
            switch member.key {
            case "enabled": result.enabled = try boolean(member.value, reader)
            case "level": result.level = try level(member.value, reader)
            case "minimum": result.minimum = try number(member.value, reader, in: 0...1e15)
            case "ratio": result.ratio = try number(member.value, reader, in: 1...1e6)
            case "mad_multiplier": result.madMultiplier = try number(member.value, reader, in: 0...1e6)
            default: throw reader.error(member.keyNode, "unknown key '\(member.key)' in a measure")
            }
        }
        return result
    }

    private static func detectorSwitch(
        _ node: Node,
        _ reader: YAMLNodeReader,
        defaults: Switch,
        extra: (String, Node) throws(RuleError) -> Bool = { _, _ in false }
    ) throws(RuleError) -> Switch {
        var result = defaults
        for member in try reader.mapping(node, what: "a detector") {
            switch member.key {
            case "enabled": result.enabled = try boolean(member.value, reader)
            case "level": result.level = try level(member.value, reader)
            default:
                if try !extra(member.key, member.value) {
                    throw reader.error(member.keyNode, "unknown key '\(member.key)' in a detector")
                }
            }
        }
        return result
    }

    private static func level(_ node: Node, _ reader: YAMLNodeReader) throws(RuleError) -> String {
        let text = try reader.string(node, what: "level")
        guard levels.contains(text) else {
            throw reader.error(node, "level must be one of informational, low, medium, high, critical")
        }
        return text
    }

    private static func boolean(_ node: Node, _ reader: YAMLNodeReader) throws(RuleError) -> Bool {
        switch try reader.string(node, what: "a boolean").lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: throw reader.error(node, "expected true or false")
        }
    }

    private static func integer(
        _ node: Node,
        _ reader: YAMLNodeReader,
        in range: ClosedRange<Int>
    ) throws(RuleError)
        -> Int
    {
        let text = try reader.string(node, what: "an integer")
        guard let value = Int(text), range.contains(value) else {
            throw reader.error(node, "expected an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    private static func number(
        _ node: Node,
        _ reader: YAMLNodeReader,
        in range: ClosedRange<Double>
    )
        throws(RuleError) -> Double
    {
        let text = try reader.string(node, what: "a number").filter { $0 != "_" }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw reader.error(node, "expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
