/// What identifies an Ed25519 key of a signed note — its name, key ID and 32-byte public key under one signature
/// type — checked once for every kind of verifier (plain note signatures and checkpoint cosignatures).
struct Ed25519NoteKeyIdentity: Hashable, Sendable {
    /// The key name.
    let keyName: String

    /// The key ID, `SHA-256(name ‖ 0x0A ‖ signature type ‖ public key)[:4]`.
    let keyID: UInt32

    /// The 32-byte Ed25519 public key.
    let publicKeyBytes: [UInt8]

    /// The signature type byte the key ID and verifier key are computed with.
    let signatureType: UInt8

    /// Checks the name and the key's length and computes the key ID.
    ///
    /// - Throws: ``LedgerError/Code/invalidKey`` if the name is invalid or the key is not 32 bytes.
    init(keyName: String, publicKey: some Collection<UInt8>, signatureType: UInt8) throws {
        try NoteKeys.validateKeyName(keyName)
        guard publicKey.count == 32 else {
            throw LedgerError.invalidKey("an Ed25519 public key is 32 bytes, got \(publicKey.count)")
        }
        self.keyName = keyName
        self.publicKeyBytes = Array(publicKey)
        self.signatureType = signatureType
        self.keyID = NoteKeys.keyID(keyName: keyName, signatureType: signatureType, publicKey: self.publicKeyBytes)
    }

    /// The verifier key string, `<name>+<hex key ID>+base64(signature type ‖ public key)`.
    var verifierKey: String {
        NoteVerifierKey(
            keyName: keyName,
            keyID: keyID,
            signatureType: signatureType,
            publicKey: publicKeyBytes
        ).description
    }
}
