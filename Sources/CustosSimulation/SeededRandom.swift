import CustosCore

/// A small, fast, seedable pseudo-random generator (xoshiro256**, seeded through SplitMix64), so that a simulation
/// run is a pure function of its seed on every platform and Swift version.
///
/// Swift's `SystemRandomNumberGenerator` and the standard library's `random(in:using:)` algorithms are deliberately
/// avoided: the first is not reproducible, the second is not guaranteed stable across releases.
struct SeededRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose whole sequence is determined by `seed`.
    init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// Creates a generator for one independent stream, named by a few integers (a salt, a day, a user, …).
    init(seed: UInt64, stream parts: UInt64...) {
        var h = seed ^ 0x6A09_E667_F3BC_C908
        for part in parts {
            var mixer = SplitMix64(seed: h ^ (part &* 0x9E37_79B9_7F4A_7C15))
            h = mixer.next()
        }
        self.init(seed: h)
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift; `bound` must be positive).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let product = next().multipliedFullWidth(by: UInt64(bound))
        return Int(product.high)
    }

    /// A uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// A uniform `Double` in `[0, 1)`.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A uniformly chosen element of a non-empty array.
    mutating func pick<Element>(_ elements: [Element]) -> Element { elements[below(elements.count)] }

    /// An exponentially distributed value with the given mean, capped at ten means.
    mutating func exponential(mean: Double) -> Double {
        let u = max(unit(), 1e-12)
        return min(-mean * naturalLog(u), 10 * mean)
    }

    /// `count` distinct indexes below `bound` in random order (Floyd's algorithm when sparse).
    mutating func distinctIndexes(_ count: Int, below bound: Int) -> [Int] {
        let n = min(count, bound)
        var chosen = Set<Int>()
        var out: [Int] = []
        out.reserveCapacity(n)
        while out.count < n {
            let i = below(bound)
            if chosen.insert(i).inserted { out.append(i) }
        }
        return out
    }
}
