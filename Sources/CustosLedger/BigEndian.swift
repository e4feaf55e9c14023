extension Array where Element == UInt8 {
    /// Appends `value` as big-endian bytes of its full width.
    mutating func appendBigEndian<Value: FixedWidthInteger>(_ value: Value) {
        for shift in stride(from: Value.bitWidth - 8, through: 0, by: -8) {
            self.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }
}

extension FixedWidthInteger {
    /// Reads an integer from exactly `Self.bitWidth / 8` big-endian bytes.
    init(bigEndianBytes bytes: some Collection<UInt8>) {
        precondition(bytes.count == Self.bitWidth / 8, "wrong number of bytes for a big-endian integer")
        var value: Self = 0
        for byte in bytes {
            value = value << 8 | Self(byte)
        }
        self = value
    }
}
