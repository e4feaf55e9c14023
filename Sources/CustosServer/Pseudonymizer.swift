import Crypto
import Foundation

/// Turns monitored users' ids into stable pseudonyms (`p-` and 24 hex digits of HMAC-SHA256 under a server secret),
/// so alert lists do not show names by default. The secret lives in `DATA/keys/pseudonym.key`, owner-only.
public struct Pseudonymizer: Sendable {
    private let key: SymmetricKey

    /// A pseudonymizer under a given secret.
    public init(secret: [UInt8]) {
        key = SymmetricKey(data: secret)
    }

    /// The pseudonym of an actor id.
    public func pseudonym(_ actor: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(actor.utf8), using: key)
        return "p-" + mac.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// Loads the secret of a data directory, creating it (32 random bytes, mode 0600) when there is none.
    public static func loadOrCreate(dataDirectory: String) throws -> Pseudonymizer {
        let fm = FileManager.default
        let directory = (dataDirectory as NSString).appendingPathComponent("keys")
        let path = (directory as NSString).appendingPathComponent("pseudonym.key")
        if let data = fm.contents(atPath: path) {
            guard data.count >= 32 else { throw PseudonymKeyError(path: path) }
            return Pseudonymizer(secret: Array(data))
        }
        try fm.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        var secret = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in secret.indices { secret[i] = UInt8.random(in: 0...255, using: &generator) }
        guard fm.createFile(atPath: path, contents: Data(secret), attributes: [.posixPermissions: 0o600]) else {
            throw PseudonymKeyError(path: path)
        }
        return Pseudonymizer(secret: secret)
    }
}

/// The pseudonym secret cannot be read or written.
public struct PseudonymKeyError: Error, CustomStringConvertible {
    /// The secret's file.
    public var path: String

    public var description: String { "\(path): the pseudonym secret cannot be read or written (32 bytes expected)" }
}
