/// An Ed25519 signed-note verifier (signature type `0x01`), as in golang.org/x/mod/sumdb/note.
public struct Ed25519NoteVerifier: NoteVerifier, Hashable {
    /// The key name.
    public let keyName: String

    /// The key ID, `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]`.
    public let keyID: UInt32

    /// The 32-byte Ed25519 public key.
    public let publicKeyBytes: [UInt8]

    /// Creates a verifier for a 32-byte Ed25519 public key.
    ///
    /// - Throws: ``LedgerError/Code/invalidKey`` if the name is invalid or the key is not 32 bytes.
    public init(keyName: String, publicKey: some Collection<UInt8>) throws {
        try NoteKeys.validateKeyName(keyName)
        guard publicKey.count == 32 else {
            throw LedgerError.invalidKey("an Ed25519 public key is 32 bytes, got \(publicKey.count)")
        }
        self.keyName = keyName
        self.publicKeyBytes = Array(publicKey)
        self.keyID = NoteKeys.keyID(
            keyName: keyName,
            signatureType: NoteKeys.ed25519SignatureType,
            publicKey: self.publicKeyBytes
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
    public var verifierKey: String {
        NoteVerifierKey(
            keyName: self.keyName,
            keyID: self.keyID,
            signatureType: NoteKeys.ed25519SignatureType,
            publicKey: self.publicKeyBytes
        ).description
    }

    /// Whether `signature` is a valid 64-byte Ed25519 signature over `text`.
    public func isValidSignature(_ signature: [UInt8], forNoteText text: [UInt8]) -> Bool {
        Ed25519.isValidSignature(signature, for: text, publicKey: self.publicKeyBytes)
    }
}
