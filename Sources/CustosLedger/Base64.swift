/// Strict standard base64 (RFC 4648 §4, with padding) used by every text format in this module.
///
/// Decoding accepts only the canonical encoding: the standard alphabet, the exact amount of `=` padding, and zero
/// bits in the unused low bits of the last symbol. This keeps signed and hashed text formats unmalleable: one byte
/// string has exactly one accepted spelling.
enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
    )

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in alphabet.enumerated() {
            table[Int(symbol)] = UInt8(value)
        }
        return table
    }()

    /// Encodes bytes as padded standard base64.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
            output.append(alphabet[Int(chunk & 0x3F)])
            index += 3
        }
        switch input.count - index {
        case 1:
            let chunk = UInt32(input[index]) << 16
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        case 2:
            let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(alphabet[Int(chunk >> 18 & 0x3F)])
            output.append(alphabet[Int(chunk >> 12 & 0x3F)])
            output.append(alphabet[Int(chunk >> 6 & 0x3F)])
            output.append(UInt8(ascii: "="))
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes canonical padded standard base64, or returns nil if the text is not exactly that.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        self.decode(utf8: Array(text.utf8))
    }

    /// Decodes canonical padded standard base64 given as UTF-8 bytes, or returns nil.
    static func decode(utf8 symbols: [UInt8]) -> [UInt8]? {
        guard symbols.count % 4 == 0 else { return nil }
        if symbols.isEmpty { return [] }
        var padding = 0
        if symbols[symbols.count - 1] == UInt8(ascii: "=") { padding += 1 }
        if symbols[symbols.count - 2] == UInt8(ascii: "=") { padding += 1 }
        if padding == 1 && symbols[symbols.count - 2] == UInt8(ascii: "=") { return nil }
        var output = [UInt8]()
        output.reserveCapacity(symbols.count / 4 * 3)
        var index = 0
        while index < symbols.count {
            let isLastGroup = index + 4 == symbols.count
            let significant = isLastGroup ? 4 - padding : 4
            var chunk: UInt32 = 0
            for offset in 0..<4 {
                chunk <<= 6
                guard offset < significant else { continue }
                let value = decodeTable[Int(symbols[index + offset])]
                guard value != 0xFF else { return nil }
                chunk |= UInt32(value)
            }
            output.append(UInt8(truncatingIfNeeded: chunk >> 16))
            if significant >= 3 { output.append(UInt8(truncatingIfNeeded: chunk >> 8)) }
            if significant == 4 { output.append(UInt8(truncatingIfNeeded: chunk)) }
            // Canonical form: the bits below the last decoded byte must be zero.
            if significant == 2 && chunk & 0xFFFF != 0 { return nil }
            if significant == 3 && chunk & 0xFF != 0 { return nil }
            index += 4
        }
        return output
    }
}
