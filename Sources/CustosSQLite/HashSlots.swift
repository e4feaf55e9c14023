/// A map from 64-bit hashes that are already well mixed (``StableHash``) to dense slot numbers 0, 1, 2, … in the
/// order they were first seen: open addressing with linear probing on the hash's own low bits, so a look-up is a
/// few array reads — a dataset report looks up every cell it sums, tens of thousands per report.
struct HashSlots {
    private var keys: [Int64]
    /// The slot of each key plus one; 0 marks an empty position.
    private var values: [Int32]
    private var mask: Int
    /// The number of hashes stored (the next slot number).
    private(set) var count = 0

    /// An empty map sized for about `capacity` hashes before it first grows.
    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// The slot of `hash`, or nil when it has none.
    func slot(of hash: Int64) -> Int? {
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let v = values[i]
            if v == 0 { return nil }
            if keys[i] == hash { return Int(v) - 1 }
            i = (i + 1) & mask
        }
    }

    /// The slot of `hash`, given the next slot number when it is new (`isNew` says which).
    mutating func insert(_ hash: Int64) -> (slot: Int, isNew: Bool) {
        if (count + 1) * 2 > keys.count { grow() }
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let v = values[i]
            if v == 0 {
                keys[i] = hash
                values[i] = Int32(count + 1)
                count += 1
                return (count - 1, true)
            }
            if keys[i] == hash { return (Int(v) - 1, false) }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        var bySlot = [Int64](repeating: 0, count: count)
        for i in keys.indices where values[i] != 0 { bySlot[Int(values[i]) - 1] = keys[i] }
        self = HashSlots(capacity: keys.count)
        for hash in bySlot { _ = insert(hash) }
    }
}
