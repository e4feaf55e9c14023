/// One leaf of the Custos ledger: a fixed-size record that an access event happened, committing to its contents
/// without revealing them.
///
/// The ledger entry is what goes into the Merkle tree (and entry bundles); the event itself stays in the store and
/// can be selectively disclosed against ``commitment`` (see ``ClaimCommitment`` and ``Disclosure``).
///
/// Encoding (``encodedSize`` = 49 bytes, all integers big-endian):
///
/// | offset | size | field |
/// |-------:|-----:|-------|
/// | 0      | 1    | version tag, `0x01` |
/// | 1      | 8    | ``sequenceNumber``, unsigned |
/// | 9      | 8    | ``eventTimeMilliseconds``, signed two's complement, ms since 1970-01-01T00:00:00Z (UTC) |
/// | 17     | 32   | ``commitment`` |
///
/// The Merkle leaf hash is `SHA-256(0x00 ‖ encoding)` (``leafHash``).
public struct LedgerEntry: Hashable, Sendable {
    /// The version tag of the encoding this type writes and reads.
    public static let version: UInt8 = 0x01

    /// The length of the encoding in bytes.
    public static let encodedSize = 49

    /// The position of the entry in the ledger; by convention equal to its leaf index.
    public var sequenceNumber: UInt64

    /// When the event happened, in milliseconds since the Unix epoch (UTC); negative before 1970.
    public var eventTimeMilliseconds: Int64

    /// The commitment to the event's contents (``ClaimCommitment/commitment``).
    public var commitment: TreeHash

    /// Creates an entry.
    public init(sequenceNumber: UInt64, eventTimeMilliseconds: Int64, commitment: TreeHash) {
        self.sequenceNumber = sequenceNumber
        self.eventTimeMilliseconds = eventTimeMilliseconds
        self.commitment = commitment
    }

    /// The 49-byte encoding described on the type.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = [Self.version]
        bytes.reserveCapacity(Self.encodedSize)
        bytes.appendBigEndian(self.sequenceNumber)
        bytes.appendBigEndian(self.eventTimeMilliseconds)
        self.commitment.withUnsafeBytes { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Decodes the 49-byte encoding.
    ///
    /// - Throws: ``LedgerError/Code/malformedLedgerEntry`` if the length is not 49 or the version tag is not `0x01`.
    public init(encoded: some Collection<UInt8>) throws {
        let bytes = Array(encoded)
        guard bytes.count == Self.encodedSize else {
            throw LedgerError.malformedLedgerEntry("a ledger entry is \(Self.encodedSize) bytes, got \(bytes.count)")
        }
        guard bytes[0] == Self.version else {
            throw LedgerError.malformedLedgerEntry("unknown ledger entry version \(bytes[0])")
        }
        self.init(
            sequenceNumber: UInt64(bigEndianBytes: bytes[1..<9]),
            eventTimeMilliseconds: Int64(bigEndianBytes: bytes[9..<17]),
            commitment: try TreeHash(bytes: bytes[17..<49])
        )
    }

    /// The RFC 6962 leaf hash of the encoding, `SHA-256(0x00 ‖ encoded)`.
    public var leafHash: TreeHash {
        MerkleTreeHasher.leafHash(of: self.encoded)
    }
}
