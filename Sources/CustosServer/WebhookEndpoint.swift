import CustosCore
import Foundation

/// One webhook receiver from the server configuration (`"webhooks": [...]`, docs/notifications.md): where to post,
/// the shared secret that signs each request, which notification kinds it wants, and how hard to try.
///
/// The secret never leaves this value except into the signature: ``description`` and ``debugDescription`` redact
/// it, so logging an endpoint cannot leak it.
public struct WebhookEndpoint: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A name for people and for the outbox (`siem`, `pager`); deliveries refer to endpoints by name.
    public var name: String
    /// The URL requests are posted to (`http` or `https`).
    public var url: String
    /// The HMAC-SHA256 key.
    public var secret: [UInt8]
    /// The kinds delivered: exact kinds (`alert.opened`), prefixes (`alert.*`) or `*` for all. `ping` always is.
    public var kinds: [String]
    /// How long one attempt may take, in seconds, connection included.
    public var timeoutSeconds: Double
    /// The most attempts before a delivery is dead-lettered.
    public var maximumAttempts: Int
    /// The delay before the second attempt, in seconds; it doubles with each further attempt.
    public var backoffBaseSeconds: Double
    /// The longest delay between attempts, in seconds (a `Retry-After` may ask for longer, up to an hour).
    public var backoffCapSeconds: Double

    /// Creates an endpoint.
    public init(
        name: String,
        url: String,
        secret: [UInt8],
        kinds: [String] = ["*"],
        timeoutSeconds: Double = 10,
        maximumAttempts: Int = 8,
        backoffBaseSeconds: Double = 1,
        backoffCapSeconds: Double = 300
    ) {
        self.name = name
        self.url = url
        self.secret = secret
        self.kinds = kinds
        self.timeoutSeconds = timeoutSeconds
        self.maximumAttempts = maximumAttempts
        self.backoffBaseSeconds = backoffBaseSeconds
        self.backoffCapSeconds = backoffCapSeconds
    }

    /// Whether this endpoint wants notifications of `kind`.
    public func accepts(_ kind: String) -> Bool {
        if kind == WebhookNotifier.pingKind { return true }
        return kinds.contains { pattern in
            if pattern == "*" { return true }
            if pattern.hasSuffix(".*") { return kind.hasPrefix(pattern.dropLast()) }
            return pattern == kind
        }
    }

    /// The endpoint without its secret.
    public var description: String {
        "webhook \(name) (kinds: \(kinds.joined(separator: ",")), secret: redacted)"
    }

    /// The endpoint without its secret.
    public var debugDescription: String { description }
}

extension WebhookEndpoint {
    /// The fields an endpoint object of the config file may set.
    public static let fields = [
        "name", "url", "secret", "secret_file", "kinds", "timeout_seconds", "max_attempts", "backoff_base_seconds",
        "backoff_cap_seconds",
    ]

    /// Reads the `webhooks` array of a config file; errors name the field as `webhooks[i].field`.
    ///
    /// A `secret_file` is read relative to the config file's directory and its trailing newline dropped.
    static func list(from value: JSONValue, configPath: String) throws -> [WebhookEndpoint] {
        guard case .array(let items) = value else {
            throw ConfigurationError(path: configPath, field: "webhooks", reason: "must be an array of endpoints")
        }
        var endpoints: [WebhookEndpoint] = []
        for (index, item) in items.enumerated() {
            let endpoint = try WebhookEndpoint(item, field: "webhooks[\(index)]", configPath: configPath)
            if endpoints.contains(where: { $0.name == endpoint.name }) {
                throw ConfigurationError(
                    path: configPath,
                    field: "webhooks[\(index)].name",
                    reason: "'\(endpoint.name)' is used by an earlier endpoint"
                )
            }
            endpoints.append(endpoint)
        }
        return endpoints
    }

    private init(_ value: JSONValue, field prefix: String, configPath: String) throws {
        guard case .object(let o) = value else {
            throw ConfigurationError(path: configPath, field: prefix, reason: "must be an object")
        }
        func fail(_ field: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(path: configPath, field: "\(prefix).\(field)", reason: reason)
        }
        func string(_ field: String) throws -> String? {
            guard let v = o[field] else { return nil }
            guard case .string(let s) = v, !s.isEmpty else { throw fail(field, "must be a non-empty string") }
            return s
        }
        func number(_ field: String, _ range: ClosedRange<Double>, default fallback: Double) throws -> Double {
            let d: Double
            switch o[field] {
            case nil: return fallback
            case .integer(let i)?: d = Double(i)
            case .double(let x)?: d = x
            default: throw fail(field, "must be a number")
            }
            guard range.contains(d) else {
                throw fail(field, "must be from \(range.lowerBound) to \(range.upperBound)")
            }
            return d
        }
        func attempts() throws -> Int {
            guard let v = o["max_attempts"] else { return 8 }
            guard case .integer(let i) = v, (1...100).contains(i) else {
                throw fail("max_attempts", "must be a whole number from 1 to 100")
            }
            return Int(i)
        }
        for (k, _) in o.members where !Self.fields.contains(k) {
            throw fail(k, "unknown field (expected one of: \(Self.fields.joined(separator: ", ")))")
        }
        guard let name = try string("name") else { throw fail("name", "is required") }
        guard name.utf8.count <= 64,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { throw fail("name", "must be 1 to 64 letters, digits, '-', '_' or '.'") }
        guard let url = try string("url") else { throw fail("url", "is required") }
        guard let parts = URLComponents(string: url), ["http", "https"].contains(parts.scheme?.lowercased() ?? ""),
            let host = parts.host, !host.isEmpty
        else { throw fail("url", "must be an absolute http:// or https:// URL") }
        let secret: [UInt8]
        switch (try string("secret"), try string("secret_file")) {
        case (let text?, nil):
            secret = Array(text.utf8)
        case (nil, let file?):
            let directory = (configPath as NSString).deletingLastPathComponent
            let resolved = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: resolved) else {
                throw fail("secret_file", "cannot be read")
            }
            var bytes = Array(data)
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            secret = bytes
        case (nil, nil):
            throw fail("secret", "is required (or secret_file)")
        case (_?, _?):
            throw fail("secret", "give either secret or secret_file, not both")
        }
        guard secret.count >= 16 else { throw fail("secret", "must be at least 16 bytes") }
        var kinds = ["*"]
        if let v = o["kinds"] {
            guard case .array(let list) = v, !list.isEmpty,
                let strings = Optional(list.compactMap(\.stringValue)), strings.count == list.count,
                strings.allSatisfy({ !$0.isEmpty })
            else { throw fail("kinds", "must be a non-empty array of kinds (alert.opened, alert.*, *)") }
            kinds = strings
        }
        let base = try number("backoff_base_seconds", 0.001...3600, default: 1)
        let cap = try number("backoff_cap_seconds", 0.001...86_400, default: 300)
        guard cap >= base else { throw fail("backoff_cap_seconds", "must not be less than backoff_base_seconds") }
        self.init(
            name: name,
            url: url,
            secret: secret,
            kinds: kinds,
            timeoutSeconds: try number("timeout_seconds", 0.01...300, default: 10),
            maximumAttempts: try attempts(),
            backoffBaseSeconds: base,
            backoffCapSeconds: cap
        )
    }
}
