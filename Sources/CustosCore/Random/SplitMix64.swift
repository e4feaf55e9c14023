/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny seeded random number generator whose sequence is fixed by its
/// seed on every platform and Swift version, for simulations, property tests and benchmarks that must replay exactly.
///
/// Not for anything secret: its output is predictable from any one value.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's state; the next value follows from it alone.
    public var state: UInt64

    /// A generator that starts from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
