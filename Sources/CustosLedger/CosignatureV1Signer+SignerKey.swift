extension CosignatureV1Signer {
    /// Creates a cosigner from an Ed25519 note signer key `PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 ‖ seed)`
    /// (as `custos keygen` writes it): the same name and Ed25519 key, signing cosignature/v1 at `timestamp`.
    ///
    /// - Throws: the errors of ``Ed25519NoteSigner/init(signerKey:)``; ``LedgerError/Code/invalidArgument`` if the
    ///   timestamp exceeds 2^63 - 1.
    public init(signerKey: String, timestamp: UInt64) throws {
        let ed25519 = try Ed25519NoteSigner(signerKey: signerKey)
        let parts = signerKey.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard let key = Base64.decode(parts[4]) else {
            throw LedgerError.invalidKey("signer key is not base64")
        }
        try self.init(keyName: ed25519.keyName, seed: key[1...], timestamp: timestamp)
    }
}
