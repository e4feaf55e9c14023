/// A 32-byte SHA-256 value in a Merkle tree: a leaf hash, an interior node hash or a root hash.
///
/// `TreeHash` is a fixed-size value type: it never allocates, compares in four word comparisons and can be used as a
/// dictionary key. Its bytes are exactly the 32 bytes of the digest, in order.
public struct TreeHash: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The number of bytes in a tree hash.
    public static let byteCount = 32

    // The 32 digest bytes stored in memory order; the words are never interpreted as integers except for ordering.
    private var storage: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a tree hash from exactly 32 bytes.
    ///
    /// - Throws: ``LedgerError`` with code ``LedgerError/Code/invalidHashLength`` if `bytes` is not 32 bytes long.
    public init(bytes: some Collection<UInt8>) throws {
        guard bytes.count == Self.byteCount else {
            throw LedgerError.invalidHashLength("a tree hash is 32 bytes, got \(bytes.count)")
        }
        self.storage = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &self.storage) { destination in
            _ = destination.initializeMemory(as: UInt8.self, from: bytes)
        }
    }

    /// Creates a tree hash by copying 32 bytes from a raw buffer that is known to hold exactly 32 bytes.
    init(unsafeDigestBytes source: UnsafeRawBufferPointer) {
        precondition(source.count == Self.byteCount, "digest must be 32 bytes")
        self.storage = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &self.storage) { destination in
            destination.copyMemory(from: source)
        }
    }

    /// Creates a tree hash from 64 hexadecimal digits (either case).
    ///
    /// - Throws: ``LedgerError`` with code ``LedgerError/Code/invalidEncoding`` if the text is not hexadecimal, or
    ///   ``LedgerError/Code/invalidHashLength`` if it does not decode to 32 bytes.
    public init(hex: some StringProtocol) throws {
        guard let bytes = Hex.decode(hex) else {
            throw LedgerError.invalidEncoding("tree hash is not valid hexadecimal")
        }
        try self.init(bytes: bytes)
    }

    /// Creates a tree hash from its canonical padded standard base64 encoding (44 characters).
    ///
    /// - Throws: ``LedgerError`` with code ``LedgerError/Code/invalidEncoding`` if the text is not canonical base64,
    ///   or ``LedgerError/Code/invalidHashLength`` if it does not decode to 32 bytes.
    public init(base64: some StringProtocol) throws {
        guard let bytes = Base64.decode(base64) else {
            throw LedgerError.invalidEncoding("tree hash is not canonical base64")
        }
        try self.init(bytes: bytes)
    }

    /// The 32 bytes of the hash.
    public var bytes: [UInt8] {
        self.withUnsafeBytes { Array($0) }
    }

    /// The hash as 64 lowercase hexadecimal digits.
    public var hexString: String {
        self.withUnsafeBytes { Hex.encode($0) }
    }

    /// The hash as padded standard base64, the form used in checkpoints.
    public var base64String: String {
        self.withUnsafeBytes { Base64.encode($0) }
    }

    /// The hash in hexadecimal.
    public var description: String {
        self.hexString
    }

    /// Calls `body` with a buffer over the 32 bytes of the hash, without copying them.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var copy = self.storage
        return try Swift.withUnsafeBytes(of: &copy) { buffer throws(Failure) -> Result in
            try body(buffer)
        }
    }

    /// Compares two hashes for equality in time independent of where they differ.
    public static func == (lhs: TreeHash, rhs: TreeHash) -> Bool {
        let difference =
            (lhs.storage.0 ^ rhs.storage.0) | (lhs.storage.1 ^ rhs.storage.1)
            | (lhs.storage.2 ^ rhs.storage.2) | (lhs.storage.3 ^ rhs.storage.3)
        return difference == 0
    }

    /// Orders hashes by their bytes, lexicographically.
    public static func < (lhs: TreeHash, rhs: TreeHash) -> Bool {
        // Reading each 8-byte word as big-endian makes integer order equal to byte order.
        (
            UInt64(bigEndian: lhs.storage.0), UInt64(bigEndian: lhs.storage.1),
            UInt64(bigEndian: lhs.storage.2), UInt64(bigEndian: lhs.storage.3)
        )
            < (
                UInt64(bigEndian: rhs.storage.0), UInt64(bigEndian: rhs.storage.1),
                UInt64(bigEndian: rhs.storage.2), UInt64(bigEndian: rhs.storage.3)
            )
    }

    /// Feeds the hash bytes into `hasher`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.storage.0)
        hasher.combine(self.storage.1)
        hasher.combine(self.storage.2)
        hasher.combine(self.storage.3)
    }

    /// Decodes a hash from a single string value holding its canonical base64 encoding.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(base64: text)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected the base64 encoding of a 32-byte hash"
            )
        }
    }

    /// Encodes the hash as a single string value holding its canonical base64 encoding.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.base64String)
    }
}
