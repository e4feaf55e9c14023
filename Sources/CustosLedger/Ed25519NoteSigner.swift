import Crypto

/// An Ed25519 signed-note signer (signature type `0x01`), as in golang.org/x/mod/sumdb/note.
///
/// Signing uses swift-crypto's Ed25519. On Linux (BoringSSL) signatures are deterministic per RFC 8032; Apple's
/// CryptoKit randomises them. Both kinds verify everywhere.
public struct Ed25519NoteSigner: NoteSigner {
    /// The key name.
    public let keyName: String

    /// The key ID, `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]`.
    public let keyID: UInt32

    private let privateKey: Curve25519.Signing.PrivateKey

    /// Creates a signer from a key name and a 32-byte Ed25519 seed (the RFC 8032 private key).
    ///
    /// - Throws: ``LedgerError/Code/invalidKey`` if the name is invalid or the seed is not 32 bytes.
    public init(keyName: String, seed: some Collection<UInt8>) throws {
        try NoteKeys.validateKeyName(keyName)
        guard seed.count == 32, let privateKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: Array(seed))
        else {
            throw LedgerError.invalidKey("an Ed25519 seed is 32 bytes, got \(seed.count)")
        }
        self.keyName = keyName
        self.privateKey = privateKey
        self.keyID = NoteKeys.keyID(
            keyName: keyName,
            signatureType: NoteKeys.ed25519SignatureType,
            publicKey: privateKey.publicKey.rawRepresentation
        )
    }

    /// Parses a signer key `PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 ‖ seed)`.
    ///
    /// - Throws: ``LedgerError/Code/invalidKey`` if it is malformed or its key ID does not match the key.
    public init(signerKey: String) throws {
        let parts = signerKey.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY",
            let keyID = NoteKeys.parseHexKeyID(parts[3]),
            let key = Base64.decode(parts[4]), key.count == 33
        else {
            throw LedgerError.invalidKey("signer key must be PRIVATE+KEY+<name>+<8 hex digits>+<base64 of 33 bytes>")
        }
        guard key[0] == NoteKeys.ed25519SignatureType else {
            throw LedgerError.unsupportedAlgorithm("signer key has signature type \(key[0]), not Ed25519")
        }
        try self.init(keyName: String(parts[2]), seed: key[1...])
        guard self.keyID == keyID else {
            throw LedgerError.invalidKey("signer key ID \(parts[3]) does not match the key")
        }
    }

    /// Generates a new random key.
    ///
    /// - Throws: ``LedgerError/Code/invalidKey`` if the name is invalid.
    public static func generate(keyName: String) throws -> Ed25519NoteSigner {
        try Ed25519NoteSigner(keyName: keyName, seed: Curve25519.Signing.PrivateKey().rawRepresentation)
    }

    /// The signer key string, `PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 ‖ seed)`. Keep it secret.
    public var signerKey: String {
        let material = [NoteKeys.ed25519SignatureType] + Array(self.privateKey.rawRepresentation)
        return "PRIVATE+KEY+\(self.keyName)+\(NoteKeys.hexKeyID(self.keyID))+\(Base64.encode(material))"
    }

    /// The matching verifier.
    public var verifier: Ed25519NoteVerifier {
        // The name was validated and the key is 32 bytes, so this cannot fail.
        try! Ed25519NoteVerifier(keyName: self.keyName, publicKey: self.privateKey.publicKey.rawRepresentation)
    }

    /// Signs `text` with Ed25519 and returns the 64-byte signature.
    public func signature(forNoteText text: [UInt8]) throws -> [UInt8] {
        Array(try self.privateKey.signature(for: text))
    }
}
