/// A parsed signed-note verifier key ("vkey"): `<key name>+<hex key ID>+base64(signature type ‖ public key)`.
///
/// Parsing checks the structure and that the key ID is the one derived from the name, type and key. Use
/// ``makeVerifier()`` to get a ``NoteVerifier`` for the types this module implements.
public struct NoteVerifierKey: Hashable, Sendable, CustomStringConvertible {
    /// The key name.
    public var keyName: String

    /// The key ID.
    public var keyID: UInt32

    /// The signature type byte (`0x01` Ed25519, `0x04` cosignature/v1, …).
    public var signatureType: UInt8

    /// The public key material after the type byte.
    public var publicKey: [UInt8]

    /// Creates a verifier key from its parts, without checking them.
    public init(keyName: String, keyID: UInt32, signatureType: UInt8, publicKey: [UInt8]) {
        self.keyName = keyName
        self.keyID = keyID
        self.signatureType = signatureType
        self.publicKey = publicKey
    }

    /// Parses a verifier key string.
    ///
    /// - Throws: ``LedgerError/Code/invalidKey`` if it does not have three `+`-separated parts, the name is invalid,
    ///   the key ID is not 8 lowercase hexadecimal digits, the key is not canonical base64 of at least two bytes, or
    ///   the key ID does not match `SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4]`.
    public init(parsing text: String) throws {
        // The base64 key may itself contain '+', so split off only the name and the key ID.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw LedgerError.invalidKey("verifier key must be <name>+<key ID>+<key>")
        }
        let name = String(parts[0])
        try NoteKeys.validateKeyName(name)
        guard let keyID = NoteKeys.parseHexKeyID(parts[1]) else {
            throw LedgerError.invalidKey("verifier key ID must be 8 lowercase hexadecimal digits")
        }
        guard let material = Base64.decode(parts[2]), material.count >= 2 else {
            throw LedgerError.invalidKey("verifier key material must be canonical base64 of a type byte and a key")
        }
        let derived = NoteKeys.keyID(keyName: name, signatureType: material[0], publicKey: material[1...])
        guard derived == keyID else {
            throw LedgerError.invalidKey("verifier key ID \(parts[1]) does not match the key")
        }
        self.init(keyName: name, keyID: keyID, signatureType: material[0], publicKey: Array(material[1...]))
    }

    /// The verifier key string.
    public var description: String {
        "\(self.keyName)+\(NoteKeys.hexKeyID(self.keyID))+\(Base64.encode([self.signatureType] + self.publicKey))"
    }

    /// A verifier for this key: ``Ed25519NoteVerifier`` for type `0x01`, ``CosignatureV1Verifier`` for type
    /// `0x04`.
    ///
    /// - Throws: ``LedgerError/Code/unsupportedAlgorithm`` for other types; ``LedgerError/Code/invalidKey`` if the
    ///   key material has the wrong length for its type.
    public func makeVerifier() throws -> any NoteVerifier {
        switch self.signatureType {
        case NoteKeys.ed25519SignatureType:
            return try Ed25519NoteVerifier(keyName: self.keyName, publicKey: self.publicKey)
        case NoteKeys.cosignatureV1SignatureType:
            return try CosignatureV1Verifier(keyName: self.keyName, publicKey: self.publicKey)
        default:
            throw LedgerError.unsupportedAlgorithm("signature type \(self.signatureType) is not supported")
        }
    }
}
