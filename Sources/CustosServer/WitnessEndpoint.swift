import CustosCore
public import CustosLedger
import Foundation

/// A witness the log submits its checkpoints to (C2SP tlog-witness): a name for logs and events, the URL prefix
/// of its `add-checkpoint` endpoint, and its cosignature/v1 verifier key.
public struct WitnessEndpoint: Sendable, Hashable {
    /// The witness's name in this log's configuration (used in logs, events and `/v1/checkpoints`).
    public var name: String
    /// The submission prefix; requests go to `<url>/add-checkpoint`.
    public var url: String
    /// The witness's cosignature/v1 verifier key (`<name>+<key ID>+base64(0x04 ‖ key)`).
    public var verifier: CosignatureV1Verifier

    /// Creates an endpoint.
    public init(name: String, url: String, verifier: CosignatureV1Verifier) {
        self.name = name
        self.url = url
        self.verifier = verifier
    }

    /// Reads the `witnesses` field of a config file: an array of `{"name", "url", "key"}` objects; `field` names
    /// the field in errors.
    static func parseList(_ value: JSONValue, path: String, field: String) throws -> [WitnessEndpoint] {
        func fail(_ at: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(path: path, field: at, reason: reason)
        }
        guard case .array(let items) = value else { throw fail(field, "must be an array of witnesses") }
        var out: [WitnessEndpoint] = []
        for (index, item) in items.enumerated() {
            let at = "\(field)[\(index)]"
            guard case .object(let o) = item else { throw fail(at, "must be an object with name, url and key") }
            for (k, _) in o.members where !["name", "url", "key"].contains(k) {
                throw fail("\(at).\(k)", "unknown field (expected name, url, key)")
            }
            func string(_ k: String) throws -> String {
                guard case .string(let s)? = o[k], !s.isEmpty else {
                    throw fail("\(at).\(k)", "must be a non-empty string")
                }
                return s
            }
            let name = try string("name")
            guard !out.contains(where: { $0.name == name }) else { throw fail("\(at).name", "is used twice") }
            let url = try string("url")
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil
            else { throw fail("\(at).url", "must be an http or https URL") }
            let verifier: CosignatureV1Verifier
            do {
                let key = try NoteVerifierKey(parsing: try string("key"))
                guard key.signatureType == NoteKeys.cosignatureV1SignatureType else {
                    throw fail(
                        "\(at).key",
                        "must be a cosignature/v1 verifier key (type 0x04), as custos witness prints"
                    )
                }
                verifier = try CosignatureV1Verifier(keyName: key.keyName, publicKey: key.publicKey)
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw fail("\(at).key", "is not a verifier key: \(error)")
            }
            out.append(
                WitnessEndpoint(
                    name: name,
                    url: url.hasSuffix("/") ? String(url.dropLast()) : url,
                    verifier: verifier
                )
            )
        }
        return out
    }
}
