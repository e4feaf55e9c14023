import Crypto

/// Rules and derivations shared by every kind of signed-note key (C2SP signed-note).
public enum NoteKeys {
    /// The signature type byte of plain Ed25519 note signatures.
    public static let ed25519SignatureType: UInt8 = 0x01

    /// The signature type byte of timestamped Ed25519 checkpoint cosignatures (C2SP tlog-cosignature v1).
    public static let cosignatureV1SignatureType: UInt8 = 0x04

    /// Whether `name` may be used as a key name: non-empty, valid Unicode (guaranteed by `String`), and free of
    /// Unicode white space and `+`.
    public static func isValidKeyName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0.properties.isWhitespace || $0 == "+" }
    }

    /// The key ID of a key: the first four bytes, read big-endian, of
    /// `SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)`.
    public static func keyID(keyName: String, signatureType: UInt8, publicKey: some Sequence<UInt8>) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(keyName.utf8) + [0x0A, signatureType] + Array(publicKey))
        return UInt32(bigEndianBytes: Array(hasher.finalize()).prefix(4))
    }

    /// Throws ``LedgerError/Code/invalidKey`` unless `name` is a valid key name.
    static func validateKeyName(_ name: String) throws {
        guard self.isValidKeyName(name) else {
            throw LedgerError.invalidKey("key name \"\(name)\" is empty or contains white space or '+'")
        }
    }

    /// The 8 lowercase hexadecimal digits of a key ID, as in verifier keys.
    static func hexKeyID(_ keyID: UInt32) -> String {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(keyID)
        return Hex.encode(bytes)
    }

    /// Parses exactly 8 lowercase hexadecimal digits into a key ID.
    static func parseHexKeyID(_ text: some StringProtocol) -> UInt32? {
        guard text.utf8.count == 8, let bytes = Hex.decode(text, lowercaseOnly: true) else { return nil }
        return UInt32(bigEndianBytes: bytes)
    }
}
