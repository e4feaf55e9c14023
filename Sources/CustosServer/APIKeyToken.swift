import Crypto
import CustosCore
import CustosStore

/// The bearer tokens of API keys: `custos_<id>_<secret>`, where only SHA-256 of the secret is stored.
public enum APIKeyToken {
    /// A newly made key: the record to store and the token to show once.
    public struct Issued: Sendable {
        /// The record (no secret in it).
        public var record: APIKeyRecord
        /// The bearer token; shown to the user once and never stored.
        public var token: String
    }

    /// Makes a key with a random id and a 256-bit random secret.
    public static func issue(
        name: String,
        owner: String,
        scopes: Set<APIScope>,
        now: Timestamp,
        expires: Timestamp? = nil
    ) -> Issued {
        var rng = SystemRandomNumberGenerator()
        let id = randomString(length: 12, using: &rng)
        let secret = randomString(length: 43, using: &rng)
        let record = APIKeyRecord(
            id: id,
            name: name,
            owner: owner,
            scopes: scopes,
            secretHash: hash(secret),
            created: now,
            expires: expires
        )
        return Issued(record: record, token: "custos_\(id)_\(secret)")
    }

    /// Splits a token into key id and secret; nil when it is not of the token's form.
    public static func parse(_ token: String) -> (id: String, secret: String)? {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "custos", parts[1].count == 12, parts[2].count == 43 else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// SHA-256 of a secret.
    public static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }

    /// Whether `secret` matches a stored hash, in time independent of where they differ.
    public static func matches(_ secret: String, _ stored: [UInt8]) -> Bool {
        let h = hash(secret)
        guard h.count == stored.count else { return false }
        var diff: UInt8 = 0
        for i in h.indices { diff |= h[i] ^ stored[i] }
        return diff == 0
    }

    private static func randomString(length: Int, using rng: inout SystemRandomNumberGenerator) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<length).map { _ in alphabet[Int(rng.next(upperBound: UInt64(alphabet.count)))] })
    }
}
