import Crypto

/// Produces cosignature/v1 signatures (type `0x04`) at a fixed timestamp; a witness makes one per request.
public struct CosignatureV1Signer: NoteSigner {
    /// The cosigner's name.
    public let keyName: String

    /// The key ID, `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]`.
    public let keyID: UInt32

    /// The POSIX time (seconds) to put in the signatures this signer makes.
    public var timestamp: UInt64

    private let privateKey: Curve25519.Signing.PrivateKey

    /// Creates a cosigner from its name, 32-byte Ed25519 seed and the timestamp to sign with.
    ///
    /// - Throws: ``LedgerError/Code/invalidKey`` if the name is invalid or the seed is not 32 bytes;
    ///   ``LedgerError/Code/invalidArgument`` if the timestamp exceeds 2^63 - 1.
    public init(keyName: String, seed: some Collection<UInt8>, timestamp: UInt64) throws {
        try NoteKeys.validateKeyName(keyName)
        guard seed.count == 32, let privateKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: Array(seed))
        else {
            throw LedgerError.invalidKey("an Ed25519 seed is 32 bytes, got \(seed.count)")
        }
        guard timestamp <= CosignatureV1.maximumTimestamp else {
            throw LedgerError.invalidArgument("cosignature timestamp \(timestamp) exceeds 2^63 - 1")
        }
        self.keyName = keyName
        self.privateKey = privateKey
        self.timestamp = timestamp
        self.keyID = NoteKeys.keyID(
            keyName: keyName,
            signatureType: NoteKeys.cosignatureV1SignatureType,
            publicKey: privateKey.publicKey.rawRepresentation
        )
    }

    /// The matching verifier.
    public var verifier: CosignatureV1Verifier {
        // The name was validated and the key is 32 bytes, so this cannot fail.
        try! CosignatureV1Verifier(keyName: self.keyName, publicKey: self.privateKey.publicKey.rawRepresentation)
    }

    /// Returns `timestamp ‖ Ed25519 signature` over the cosignature/v1 message for the checkpoint text `text`.
    public func signature(forNoteText text: [UInt8]) throws -> [UInt8] {
        guard self.timestamp <= CosignatureV1.maximumTimestamp else {
            throw LedgerError.invalidArgument("cosignature timestamp \(self.timestamp) exceeds 2^63 - 1")
        }
        let message = CosignatureV1.signedMessage(checkpointText: text, timestamp: self.timestamp)
        var signature: [UInt8] = []
        signature.appendBigEndian(self.timestamp)
        signature.append(contentsOf: try self.privateKey.signature(for: message))
        return signature
    }
}
