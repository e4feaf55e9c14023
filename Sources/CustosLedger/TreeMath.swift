/// The largest power of two strictly less than `n`; `n` must be at least 2.
func largestPowerOfTwo(below n: UInt64) -> UInt64 {
    precondition(n >= 2, "no power of two below \(n) splits a tree")
    return 1 << UInt64(63 - (n - 1).leadingZeroBitCount)
}
