/// One signature line of a signed note: `— <key name> base64(key ID ‖ signature)`.
public struct NoteSignature: Hashable, Sendable {
    /// The name of the key that made the signature.
    public var keyName: String

    /// The 32-bit ID of the key that made the signature.
    public var keyID: UInt32

    /// The signature bytes after the key ID (for Ed25519, 64 bytes; for cosignature/v1, an 8-byte timestamp and 64
    /// bytes).
    public var signature: [UInt8]

    /// Creates a signature line from its parts.
    public init(keyName: String, keyID: UInt32, signature: [UInt8]) {
        self.keyName = keyName
        self.keyID = keyID
        self.signature = signature
    }

    /// The base64 field of the line: `base64(key ID ‖ signature)`.
    public var base64Field: String {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(self.keyID)
        bytes.append(contentsOf: self.signature)
        return Base64.encode(bytes)
    }

    /// The complete line, `— <key name> <base64>` followed by a newline.
    public var line: String {
        "\u{2014} \(self.keyName) \(self.base64Field)\n"
    }
}
