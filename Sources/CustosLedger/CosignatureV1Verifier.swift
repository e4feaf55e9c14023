/// Verifies cosignature/v1 signatures (type `0x04`) of one cosigner; plugs into ``SignedNote/open(_:verifiers:)``.
public struct CosignatureV1Verifier: NoteVerifier, Hashable {
    private let identity: Ed25519NoteKeyIdentity

    /// The cosigner's name.
    public var keyName: String { identity.keyName }

    /// The key ID, `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]`.
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
            signatureType: NoteKeys.cosignatureV1SignatureType
        )
    }

    /// The verifier key string, `<name>+<hex key ID>+base64(0x04 ‖ public key)`.
    public var verifierKey: String { identity.verifierKey }

    /// Whether `signature` is `timestamp ‖ Ed25519 signature` over the cosignature/v1 message for `text`.
    public func isValidSignature(_ signature: [UInt8], forNoteText text: [UInt8]) -> Bool {
        guard signature.count == CosignatureV1.signatureLength else { return false }
        let timestamp = UInt64(bigEndianBytes: signature[0..<8])
        guard timestamp <= CosignatureV1.maximumTimestamp else { return false }
        let message = CosignatureV1.signedMessage(checkpointText: text, timestamp: timestamp)
        return Ed25519.isValidSignature(Array(signature[8...]), for: message, publicKey: self.publicKeyBytes)
    }
}
