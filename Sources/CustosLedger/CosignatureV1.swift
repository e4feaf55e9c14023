/// The C2SP tlog-cosignature v1 Ed25519 format (signature type `0x04`): a witness's timestamped statement that a
/// checkpoint is the largest consistent tree head it has seen for the log.
///
/// The signature in the note line is `timestamp (8 bytes, big-endian) ‖ Ed25519 signature (64 bytes)`, and the
/// signed message is
///
/// ```
/// cosignature/v1
/// time <timestamp as decimal>
/// <the checkpoint note text, including its final newline>
/// ```
public enum CosignatureV1 {
    /// The length of a cosignature/v1 signature after the key ID: 8 timestamp bytes and 64 signature bytes.
    public static let signatureLength = 72

    /// The largest allowed timestamp, `2^63 - 1`.
    public static let maximumTimestamp = UInt64(Int64.max)

    /// The exact bytes an Ed25519 cosigner signs for `checkpointText` at POSIX time `timestamp`.
    public static func signedMessage(checkpointText: some StringProtocol, timestamp: UInt64) -> [UInt8] {
        self.signedMessage(checkpointText: Array(checkpointText.utf8), timestamp: timestamp)
    }

    /// The signed message for checkpoint text given as UTF-8 bytes.
    static func signedMessage(checkpointText: [UInt8], timestamp: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n".utf8) + checkpointText
    }

    /// The timestamp carried by a cosignature/v1 signature line.
    ///
    /// - Throws: ``LedgerError/Code/invalidSignature`` if the signature is not 72 bytes or the timestamp exceeds
    ///   2^63 - 1.
    public static func timestamp(of signature: NoteSignature) throws -> UInt64 {
        guard signature.signature.count == Self.signatureLength else {
            throw LedgerError.invalidSignature(
                "a cosignature/v1 signature is 72 bytes, got \(signature.signature.count)"
            )
        }
        let timestamp = UInt64(bigEndianBytes: signature.signature[0..<8])
        guard timestamp <= Self.maximumTimestamp else {
            throw LedgerError.invalidSignature("cosignature timestamp \(timestamp) exceeds 2^63 - 1")
        }
        return timestamp
    }
}
