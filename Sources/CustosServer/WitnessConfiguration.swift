import CustosCore
public import CustosLedger
import Foundation

/// How `custos witness` runs: where it listens, its key, where it keeps its state, and the logs it witnesses.
/// Read from a JSON file (docs/ledger.md, "Witnesses"):
///
/// ```json
/// {"host": "127.0.0.1", "port": 7380, "key": "witness-keys/signer.key", "state": "witness-state.json",
///  "logs": [{"origin": "custos.example/log", "key": "custos.example/log+1a2b3c4d+AU…"}]}
/// ```
public struct WitnessConfiguration: Sendable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port to listen on (0 picks a free one).
    public var port = 7380
    /// The witness's Ed25519 signer key file (from `custos keygen`); its key name is the witness's name.
    public var keyPath = ""
    /// The state file: the latest cosigned checkpoint per log, replaced atomically.
    public var statePath = ""
    /// The witnessed logs.
    public var logs: [WitnessedLog] = []
    /// The log level.
    public var logLevel = "info"

    /// The defaults; ``load(path:)`` fills in a file.
    public init() {}

    /// The fields a witness config file may set.
    public static let fields = ["host", "port", "key", "state", "logs", "log_level"]

    /// Reads a witness config file; unknown fields and bad values are errors naming the field. Relative `key` and
    /// `state` paths are relative to the file's directory.
    public static func load(path: String) throws -> WitnessConfiguration {
        func fail(_ field: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(path: path, field: field, reason: reason)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("", "cannot be read") }
        guard case .object(let o)? = try? JSONParser().parse(Array(data)) else {
            throw fail("", "must be a JSON object")
        }
        let base = (path as NSString).deletingLastPathComponent
        func resolve(_ file: String) -> String {
            file.hasPrefix("/") || base.isEmpty ? file : (base as NSString).appendingPathComponent(file)
        }
        var c = WitnessConfiguration()
        for (k, v) in o.members {
            func string() throws -> String {
                guard case .string(let s) = v, !s.isEmpty else { throw fail(k, "must be a non-empty string") }
                return s
            }
            switch k {
            case "host": c.host = try string()
            case "port":
                guard case .integer(let p) = v, (0...65535).contains(p) else {
                    throw fail(k, "must be a whole number from 0 to 65535")
                }
                c.port = Int(p)
            case "key": c.keyPath = resolve(try string())
            case "state": c.statePath = resolve(try string())
            case "log_level":
                c.logLevel = try string()
                guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(c.logLevel) else {
                    throw fail(k, "must be one of trace, debug, info, notice, warning, error, critical")
                }
            case "logs": c.logs = try parseLogs(v, fail: fail)
            default:
                throw fail(k, "unknown field (expected one of: \(fields.joined(separator: ", ")))")
            }
        }
        guard !c.keyPath.isEmpty else { throw fail("key", "is required") }
        guard !c.statePath.isEmpty else { throw fail("state", "is required") }
        guard !c.logs.isEmpty else { throw fail("logs", "must list at least one log") }
        return c
    }

    private static func parseLogs(
        _ value: JSONValue,
        fail: (String, String) -> ConfigurationError
    ) throws -> [WitnessedLog] {
        guard case .array(let items) = value else { throw fail("logs", "must be an array of logs") }
        var out: [WitnessedLog] = []
        for (index, item) in items.enumerated() {
            let at = "logs[\(index)]"
            guard case .object(let o) = item else { throw fail(at, "must be an object with origin and key") }
            for (k, _) in o.members where !["origin", "key"].contains(k) {
                throw fail("\(at).\(k)", "unknown field (expected origin, key)")
            }
            guard case .string(let origin)? = o["origin"], !origin.isEmpty,
                !origin.unicodeScalars.contains(where: { $0.value < 0x20 })
            else { throw fail("\(at).origin", "must be a non-empty string without control characters") }
            guard !out.contains(where: { $0.origin == origin }) else { throw fail("\(at).origin", "is listed twice") }
            guard case .string(let key)? = o["key"] else { throw fail("\(at).key", "must be a verifier key string") }
            do {
                out.append(WitnessedLog(origin: origin, verifiers: [try NoteVerifierKey(parsing: key).makeVerifier()]))
            } catch {
                throw fail("\(at).key", "is not a usable verifier key: \(error)")
            }
        }
        return out
    }
}
