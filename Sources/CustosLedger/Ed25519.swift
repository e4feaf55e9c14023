import Crypto

/// Ed25519 helpers shared by note and cosignature keys.
enum Ed25519 {
    /// Verifies a 64-byte Ed25519 signature with swift-crypto; false for malformed keys or signatures.
    static func isValidSignature(_ signature: [UInt8], for message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
