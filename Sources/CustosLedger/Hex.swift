/// Lowercase hexadecimal encoding used for key IDs and for diagnostics.
enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lowercase hexadecimal.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output = [UInt8]()
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes hexadecimal text (either case unless `lowercaseOnly`), or returns nil if it is malformed.
    static func decode(_ text: some StringProtocol, lowercaseOnly: Bool = false) -> [UInt8]? {
        let symbols = Array(text.utf8)
        guard symbols.count % 2 == 0 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(symbols.count / 2)
        var index = 0
        while index < symbols.count {
            guard let high = value(of: symbols[index], lowercaseOnly: lowercaseOnly),
                let low = value(of: symbols[index + 1], lowercaseOnly: lowercaseOnly)
            else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    private static func value(of symbol: UInt8, lowercaseOnly: Bool) -> UInt8? {
        switch symbol {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return symbol - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return symbol - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F") where !lowercaseOnly: return symbol - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
