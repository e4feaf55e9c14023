import CustosCore

/// Allocation-light integer formatting for the hot path (no Foundation formatters).
enum TextFormatting {
    /// `value` in decimal, left-padded with zeros to at least `width` digits (`7`, 4 → `"0007"`).
    static func zeroPadded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        if digits.utf8.count >= width { return digits }
        return String(repeating: "0", count: width - digits.utf8.count) + digits
    }

    /// The low `digits` hex digits of `value`, lowercase.
    static func hex(_ value: UInt64, digits: Int) -> String {
        let alphabet: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0, count: digits)
        var v = value
        for i in stride(from: digits - 1, through: 0, by: -1) {
            bytes[i] = alphabet[Int(v & 0xF)]
            v >>= 4
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `YYYY-MM-DD` date of a UTC day number.
    static func date(dayNumber: Int64) -> String {
        String(Timestamp(millisecondsSinceEpoch: dayNumber * 86_400_000).rfc3339.prefix(10))
    }
}
