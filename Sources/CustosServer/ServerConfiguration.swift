import CustosCore
import Foundation

/// How `custos serve` runs: where it listens, where its data lives, and the limits of its ingest path. Read from
/// a JSON config file (docs/operations.md) and overridden by command-line options.
public struct ServerConfiguration: Sendable, Hashable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port to listen on.
    public var port = 8080
    /// The data directory of the embedded store.
    public var dataDirectory = "./custos-data"
    /// The most events waiting for a commit before ingest answers 503.
    public var queueCapacity = 100_000
    /// The largest request body, in bytes.
    public var maximumBodyBytes = 32 << 20
    /// The log level (trace, debug, info, notice, warning, error, critical).
    public var logLevel = "info"
    /// The origin line of signed checkpoints (and the signer key's name when one is created).
    public var origin = "custos.local/log"
    /// The most seconds between a new entry and a checkpoint covering it.
    public var checkpointIntervalSeconds = 5
    /// The most new entries before a checkpoint is signed ahead of the interval.
    public var checkpointEntries = 10_000
    /// The Sigma rules directory of the detection service (nil: `DATA/rules`); no directory, no detection.
    public var rulesDirectory: String?
    /// How late (in event time) an event may arrive and still join its correlation window, in seconds.
    public var allowedLatenessSeconds = 60
    /// The webhook endpoints notifications are delivered to (docs/notifications.md).
    public var webhooks: [WebhookEndpoint] = []
    /// The most events one rule back-test replays (docs/rules.md).
    public var backtestMaximumEvents = 1_000_000
    /// The witnesses each new checkpoint is submitted to (C2SP tlog-witness); none by default.
    public var witnesses: [WitnessEndpoint] = []
    /// How often, in seconds, the policy files' modification times are checked for a hot reload (0: never).
    public var policyPollSeconds = 2

    /// The defaults.
    public init() {}

    /// The rules directory in force: the configured one, else `DATA/rules`.
    public var effectiveRulesDirectory: String {
        rulesDirectory ?? (dataDirectory as NSString).appendingPathComponent("rules")
    }

    /// The fields a config file may set.
    public static let fields = [
        "host", "port", "data", "queue_capacity", "max_body_bytes", "log_level", "origin",
        "checkpoint_interval_seconds", "checkpoint_entries", "rules_directory", "allowed_lateness_seconds",
        "webhooks", "backtest_max_events", "witnesses", "policy_poll_seconds",
    ]

    /// Reads a JSON config file; unknown fields and bad values are errors naming the field.
    public static func load(path: String) throws -> ServerConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(path: path, field: "", reason: "cannot be read")
        }
        let value: JSONValue
        do {
            value = try JSONParser().parse(Array(data))
        } catch {
            throw ConfigurationError(path: path, field: "", reason: "is not valid JSON: \(error)")
        }
        guard case .object(let o) = value else {
            throw ConfigurationError(path: path, field: "", reason: "must be a JSON object")
        }
        var c = ServerConfiguration()
        for (k, v) in o.members {
            func string() throws -> String {
                guard case .string(let s) = v, !s.isEmpty else {
                    throw ConfigurationError(path: path, field: k, reason: "must be a non-empty string")
                }
                return s
            }
            func integer(_ range: ClosedRange<Int64>) throws -> Int {
                guard case .integer(let i) = v, range.contains(i) else {
                    throw ConfigurationError(
                        path: path,
                        field: k,
                        reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound)"
                    )
                }
                return Int(i)
            }
            switch k {
            case "host": c.host = try string()
            case "port": c.port = try integer(0...65535)
            case "data": c.dataDirectory = try string()
            case "queue_capacity": c.queueCapacity = try integer(1...10_000_000)
            case "max_body_bytes": c.maximumBodyBytes = try integer(1024...1 << 30)
            case "origin":
                c.origin = try string()
                guard !c.origin.unicodeScalars.contains(where: { $0.value < 0x21 || $0 == "+" }) else {
                    throw ConfigurationError(
                        path: path,
                        field: k,
                        reason: "must not contain spaces, + or control characters"
                    )
                }
            case "checkpoint_interval_seconds": c.checkpointIntervalSeconds = try integer(1...86_400)
            case "checkpoint_entries": c.checkpointEntries = try integer(1...100_000_000)
            case "rules_directory": c.rulesDirectory = try string()
            case "allowed_lateness_seconds": c.allowedLatenessSeconds = try integer(0...604_800)
            case "webhooks": c.webhooks = try WebhookEndpoint.list(from: v, configPath: path)
            case "backtest_max_events": c.backtestMaximumEvents = try integer(1...100_000_000)
            case "witnesses": c.witnesses = try WitnessEndpoint.parseList(v, path: path, field: k)
            case "policy_poll_seconds": c.policyPollSeconds = try integer(0...86_400)
            case "log_level":
                c.logLevel = try string()
                guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(c.logLevel) else {
                    throw ConfigurationError(
                        path: path,
                        field: k,
                        reason: "must be one of trace, debug, info, notice, warning, error, critical"
                    )
                }
            default:
                throw ConfigurationError(
                    path: path,
                    field: k,
                    reason: "unknown field (expected one of: \(fields.joined(separator: ", ")))"
                )
            }
        }
        return c
    }
}

/// A config file that cannot be used, naming the field and why.
public struct ConfigurationError: Error, CustomStringConvertible {
    /// The file.
    public var path: String
    /// The field, or empty for the file as a whole.
    public var field: String
    /// Why.
    public var reason: String

    public var description: String { "\(path): \(field.isEmpty ? "" : field + ": ")\(reason)" }
}
