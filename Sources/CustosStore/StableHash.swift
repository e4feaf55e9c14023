/// A 64-bit hash of strings that is the same in every process and on every machine, used to key indexes on text
/// (actors, sessions, datasets, subjects, client ids) by integers. Queries always confirm matches against the stored
/// text, so a collision costs a little time, never a wrong answer.
public enum StableHash {
    /// FNV-1a over the UTF-8 bytes, finished with a 64-bit mixer, as a signed integer for SQL columns.
    public static func of(_ s: String) -> Int64 {
        Int64(bitPattern: mix(fold(s, into: offsetBasis)))
    }

    /// The hash of two strings joined unambiguously (e.g. an app and its client id): the hash of `a`, a zero
    /// byte and `b` as one string, computed without building it.
    public static func of(_ a: String, _ b: String) -> Int64 {
        var h = fold(a, into: offsetBasis)
        h = (h ^ 0) &* prime
        return Int64(bitPattern: mix(fold(b, into: h)))
    }

    /// The hash of the string whose UTF-8 bytes these are (the same as ``of(_:)-(String)`` of that string), for
    /// text read straight out of a database row without building a `String`.
    public static func of(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
        Int64(bitPattern: mix(fold(bytes, into: offsetBasis)))
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x100_0000_01b3

    /// FNV-1a steps over the UTF-8 bytes of `s`, from state `h`.
    private static func fold(_ s: String, into h0: UInt64) -> UInt64 {
        var s = s
        return s.withUTF8 { fold($0, into: h0) }
    }

    /// FNV-1a steps over `bytes`, from state `h`.
    private static func fold(_ bytes: UnsafeBufferPointer<UInt8>, into h0: UInt64) -> UInt64 {
        var h = h0
        for b in bytes {
            h ^= UInt64(b)
            h = h &* prime
        }
        return h
    }

    private static func mix(_ x0: UInt64) -> UInt64 {
        var x = x0
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x = x &* 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }
}
