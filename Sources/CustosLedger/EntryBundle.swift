/// An entry bundle of C2SP tlog-tiles: consecutive log entries, each prefixed by its length as a big-endian
/// `UInt16`, served at ``EntryBundleID/path``.
public struct EntryBundle: Hashable, Sendable {
    /// The largest entry a bundle can hold, 65,535 bytes.
    public static let maximumEntrySize = Int(UInt16.max)

    /// The entries, in log order.
    public var entries: [[UInt8]]

    /// Creates a bundle from entries.
    public init(entries: [[UInt8]]) {
        self.entries = entries
    }

    /// Decodes a bundle: a sequence of `length (2 bytes, big-endian) ‖ entry`.
    ///
    /// - Throws: ``LedgerError/Code/malformedEntryBundle`` if the bytes end inside a length prefix or an entry, or
    ///   if `expectedCount` is given and differs from the number of entries.
    public init(bytes: some Collection<UInt8>, expectedCount: Int? = nil) throws {
        let bytes = Array(bytes)
        var entries: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 2 <= bytes.count else {
                throw LedgerError.malformedEntryBundle("entry bundle ends inside a length prefix at byte \(offset)")
            }
            let length = Int(UInt16(bigEndianBytes: bytes[offset..<offset + 2]))
            offset += 2
            guard offset + length <= bytes.count else {
                throw LedgerError.malformedEntryBundle("entry bundle ends inside an entry of \(length) bytes")
            }
            entries.append(Array(bytes[offset..<offset + length]))
            offset += length
        }
        if let expectedCount, expectedCount != entries.count {
            throw LedgerError.malformedEntryBundle(
                "entry bundle has \(entries.count) entries, expected \(expectedCount)"
            )
        }
        self.init(entries: entries)
    }

    /// The encoded bundle.
    ///
    /// - Throws: ``LedgerError/Code/entryTooLarge`` if an entry exceeds 65,535 bytes.
    public func serializedBytes() throws -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, entry) in self.entries.enumerated() {
            guard entry.count <= Self.maximumEntrySize else {
                throw LedgerError.entryTooLarge(
                    "entry \(index) is \(entry.count) bytes; a bundle entry is at most 65535"
                )
            }
            bytes.appendBigEndian(UInt16(entry.count))
            bytes.append(contentsOf: entry)
        }
        return bytes
    }

    /// The RFC 6962 leaf hashes of the entries: the contents of the matching level-0 tile.
    public var leafHashes: [TreeHash] {
        self.entries.map { MerkleTreeHasher.leafHash(of: $0) }
    }
}
