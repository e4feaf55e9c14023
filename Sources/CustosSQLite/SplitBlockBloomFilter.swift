/// A set of 64-bit hashes that answers "certainly absent" or "perhaps present": the split block Bloom filter of
/// Apache Parquet's specification (blocks of eight 32-bit words, one bit set per word), so that a look-up touches
/// one cache line. It never answers "absent" for a hash that was inserted; a hash never inserted is reported
/// present with a probability that grows with the load (about 0.2% at 13 bits per hash).
struct SplitBlockBloomFilter: Sendable, Equatable {
    /// The words, eight per block.
    private(set) var words: [UInt32]

    /// An empty filter of at least 32 bytes, rounded down to whole 32-byte blocks.
    init(bytes: Int) {
        words = [UInt32](repeating: 0, count: max(1, bytes / 32) * 8)
    }

    /// The filter's size in bytes.
    var bytes: Int { words.count * 4 }

    /// Adds `hash`.
    mutating func insert(_ hash: Int64) {
        let (block, mask) = position(hash)
        words.withUnsafeMutableBufferPointer { words in
            for i in 0..<8 { words[block + i] |= mask[i] }
        }
    }

    /// Whether `hash` may have been inserted (false only when it certainly was not).
    func mayContain(_ hash: Int64) -> Bool {
        let (block, mask) = position(hash)
        return words.withUnsafeBufferPointer { words in
            for i in 0..<8 where words[block + i] & mask[i] == 0 { return false }
            return true
        }
    }

    /// Adds every hash of `other`, a filter of the same size.
    mutating func formUnion(_ other: SplitBlockBloomFilter) {
        precondition(other.words.count == words.count, "filters of different sizes")
        for i in words.indices { words[i] |= other.words[i] }
    }

    /// The first word of the hash's block, and the bit each of the block's words must hold.
    private func position(_ hash: Int64) -> (block: Int, mask: SIMD8<UInt32>) {
        let h = UInt64(bitPattern: hash)
        let blocks = UInt64(words.count / 8)
        let block = Int(((h >> 32) &* blocks) >> 32) * 8
        let key = SIMD8<UInt32>(repeating: UInt32(truncatingIfNeeded: h)) &* Self.salts
        return (block, SIMD8<UInt32>(repeating: 1) &<< (key &>> 27))
    }

    /// The eight odd constants of the Parquet specification.
    private static let salts = SIMD8<UInt32>(
        0x47b6_137b,
        0x4497_4d91,
        0x8824_ad5b,
        0xa2b7_289d,
        0x7054_95c7,
        0x2df1_424b,
        0x9efc_4947,
        0x5c6b_fb31
    )
}
