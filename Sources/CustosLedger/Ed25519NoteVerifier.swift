/// An Ed25519 signed-note verifier (signature type `0x01`), as in golang.org/x/mod/sumdb/note.
public struct Ed25519NoteVerifier: NoteVerifier, Hashable {
    private let identity: Ed25519NoteKeyIdentity

    /// The key name.
    public var keyName: String { identity.keyName }

    /// The key ID, `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]`.
    public var keyID: UInt32 { identity.keyID }

    /// The 32-byte Ed25519 public key.
    public var publicKeyBytes: [UInt8] { identity.publicKeyBytes }

    /// Creates a verifier for a 32-byte Ed25519 public key.
    ///
    /// - Throws: ``LedgerError/Code/invalidKey`` if the name is invalid or the key is not 32 bytes.
    public init(keyName: String, publicKey: some Collection<UInt8>) throws {
        identity = try Ed25519NoteKeyIdentity(
            keyName: keyName,
            publicKey: publicKey,
            signatureType: NoteKeys.ed25519SignatureType
        )
    }

    /// Parses a verifier key `<name>+<hex key ID>+base64(0x01 ‖ public key)`.
    ///
    /// - Throws: ``LedgerError/Code/invalidKey`` if it is malformed or the key ID does not match;
    ///   ``LedgerError/Code/unsupportedAlgorithm`` if its signature type is not `0x01`.
    public init(verifierKey: String) throws {
        let key = try NoteVerifierKey(parsing: verifierKey)
        guard key.signatureType == NoteKeys.ed25519SignatureType else {
            throw LedgerError.unsupportedAlgorithm("verifier key has signature type \(key.signatureType), not Ed25519")
        }
        try self.init(keyName: key.keyName, publicKey: key.publicKey)
    }

    /// The verifier key string, `<name>+<hex key ID>+base64(0x01 ‖ public key)`.
    public var verifierKey: String { identity.verifierKey }

    /// Whether `signature` is a valid 64-byte Ed25519 signature over `text`.
    public func isValidSignature(_ signature: [UInt8], forNoteText text: [UInt8]) -> Bool {
        Ed25519.isValidSignature(signature, for: text, publicKey: self.publicKeyBytes)
    }
}
