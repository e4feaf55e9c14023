/// A 64-bit hash of strings that is the same in every process and on every machine, used to key indexes on text
/// (actors, sessions, datasets, subjects, client ids) by integers. Queries always confirm matches against the stored
/// text, so a collision costs a little time, never a wrong answer.
public enum StableHash {
    /// FNV-1a over the UTF-8 bytes, finished with a 64-bit mixer, as a signed integer for SQL columns.
    public static func of(_ s: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return Int64(bitPattern: mix(h))
    }

    /// The hash of two strings joined unambiguously (e.g. an app and its client id).
    public static func of(_ a: String, _ b: String) -> Int64 {
        of(a + "\u{0}" + b)
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
