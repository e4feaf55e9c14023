public import CustosLedger
import Foundation

/// The log's signing key on disk: `signer.key` (the C2SP note signer key, mode 0600) and `verifier.vkey` (the
/// verifier key to publish and pin) in one directory.
public enum LedgerKeyFiles {
    /// The signer key's file name.
    public static let signerFile = "signer.key"
    /// The verifier key's file name.
    public static let verifierFile = "verifier.vkey"

    /// Generates a key named `origin` and writes both files into `directory` (created if needed); refuses to
    /// overwrite an existing signer key.
    public static func generate(origin: String, directory: String) throws -> Ed25519NoteSigner {
        let signer = try Ed25519NoteSigner.generate(keyName: origin)
        try write(signer, to: directory)
        return signer
    }

    /// Writes `signer` into `directory`: the signer key with mode 0600, the verifier key with mode 0644.
    public static func write(_ signer: Ed25519NoteSigner, to directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let signerPath = (directory as NSString).appendingPathComponent(signerFile)
        guard !fm.fileExists(atPath: signerPath) else {
            throw LedgerKeyError("\(signerPath) exists; refusing to overwrite a signing key")
        }
        guard
            fm.createFile(
                atPath: signerPath,
                contents: Data((signer.signerKey + "\n").utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw LedgerKeyError("cannot write \(signerPath)") }
        let verifierPath = (directory as NSString).appendingPathComponent(verifierFile)
        guard
            fm.createFile(
                atPath: verifierPath,
                contents: Data((signer.verifier.verifierKey + "\n").utf8),
                attributes: [.posixPermissions: 0o644]
            )
        else { throw LedgerKeyError("cannot write \(verifierPath)") }
    }

    /// Reads the signer key in `directory`; nil when there is none.
    public static func load(directory: String) throws -> Ed25519NoteSigner? {
        let path = (directory as NSString).appendingPathComponent(signerFile)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try Ed25519NoteSigner(signerKey: text)
        } catch {
            throw LedgerKeyError("\(path) is not a signer key: \(error)")
        }
    }

    /// Reads a verifier key file.
    public static func loadVerifierKey(path: String) throws -> NoteVerifierKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LedgerKeyError("cannot read \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try NoteVerifierKey(parsing: text)
        } catch {
            throw LedgerKeyError("\(path) is not a verifier key: \(error)")
        }
    }

    /// The signer key in `directory`, generated with key name `origin` when there is none (`created` says so).
    public static func loadOrCreate(
        directory: String,
        origin: String
    ) throws
        -> (signer: Ed25519NoteSigner, created: Bool)
    {
        if let signer = try load(directory: directory) { return (signer, false) }
        return (try generate(origin: origin, directory: directory), true)
    }
}

/// A key file that cannot be used.
public struct LedgerKeyError: Error, CustomStringConvertible {
    /// Why.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
