/// A Cedar `ipaddr`: an IPv4 or IPv6 address with a prefix length (a single address has the full length).
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Whether this is an IPv6 address.
    public var isIPv6: Bool
    /// The address bits (IPv4 addresses use the low 32 bits).
    public var address: UInt128
    /// The prefix length: 0–32 for IPv4, 0–128 for IPv6.
    public var prefixLength: UInt8

    /// Creates an address value.
    public init(isIPv6: Bool, address: UInt128, prefixLength: UInt8) {
        self.isIPv6 = isIPv6
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Parses `a.b.c.d`, an IPv6 address, or either followed by `/prefix`, exactly as Cedar accepts them.
    public init?(parsing text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count <= 43 else { return nil }
        if utf8.filter({ $0 == UInt8(ascii: ":") }).count >= 2 && utf8.filter({ $0 == UInt8(ascii: ".") }).count >= 2 {
            return nil  // IPv4 embedded in IPv6 is not accepted.
        }
        let addressPart: ArraySlice<UInt8>
        var prefixPart: ArraySlice<UInt8>?
        if let slash = utf8.firstIndex(of: UInt8(ascii: "/")) {
            addressPart = utf8[..<slash]
            prefixPart = utf8[(slash + 1)...]
        } else {
            addressPart = utf8[...]
        }
        if let v4 = Self.parseIPv4(addressPart) {
            self.isIPv6 = false
            self.address = UInt128(v4)
            self.prefixLength = 32
        } else if let v6 = Self.parseIPv6(addressPart) {
            self.isIPv6 = true
            self.address = v6
            self.prefixLength = 128
        } else {
            return nil
        }
        if let prefixPart {
            guard let prefix = Self.parsePrefix(prefixPart, max: isIPv6 ? 128 : 32, maxDigits: isIPv6 ? 3 : 2)
            else { return nil }
            self.prefixLength = prefix
        }
    }

    private static func parsePrefix(_ s: ArraySlice<UInt8>, max: Int, maxDigits: Int) -> UInt8? {
        guard !s.isEmpty, s.count <= maxDigits, s.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        if s.first == UInt8(ascii: "0") && s.count > 1 { return nil }
        var value = 0
        for d in s { value = value * 10 + Int(d - 48) }
        return value <= max ? UInt8(value) : nil
    }

    /// Rust `Ipv4Addr` syntax: four decimal octets, no leading zeros, each at most 255.
    private static func parseIPv4(_ s: ArraySlice<UInt8>) -> UInt32? {
        let parts = s.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            if part.count > 1 && part.first == UInt8(ascii: "0") { return nil }
            var value: UInt32 = 0
            for d in part { value = value * 10 + UInt32(d - 48) }
            guard value <= 255 else { return nil }
            result = result << 8 | value
        }
        return result
    }

    private static func hexValue(_ c: UInt8) -> UInt16? {
        switch c {
        case 48...57: UInt16(c - 48)
        case 97...102: UInt16(c - 87)
        case 65...70: UInt16(c - 55)
        default: nil
        }
    }

    /// Rust `Ipv6Addr` syntax: up to eight 1–4 digit hex groups, one `::`, optional trailing dotted IPv4.
    private static func parseIPv6(_ s: ArraySlice<UInt8>) -> UInt128? {
        let text = Array(s)
        func parseGroups(_ part: ArraySlice<UInt8>, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            let pieces = part.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            var groups: [UInt16] = []
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1 && allowIPv4Tail && piece.contains(UInt8(ascii: ".")) {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    groups.append(UInt16(v4 >> 16))
                    groups.append(UInt16(v4 & 0xFFFF))
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4 else { return nil }
                var value: UInt16 = 0
                for c in piece {
                    guard let h = hexValue(c) else { return nil }
                    value = value << 4 | h
                }
                groups.append(value)
            }
            return groups
        }
        var groups: [UInt16]
        if let range = findDoubleColon(text) {
            guard findDoubleColon(Array(text[range.upperBound...])) == nil,
                let head = parseGroups(text[..<range.lowerBound], allowIPv4Tail: false),
                let tail = parseGroups(text[range.upperBound...], allowIPv4Tail: true),
                head.count + tail.count <= 7
            else { return nil }
            groups = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let all = parseGroups(text[...], allowIPv4Tail: true), all.count == 8 else { return nil }
            groups = all
        }
        var result: UInt128 = 0
        for g in groups { result = result << 16 | UInt128(g) }
        return result
    }

    private static func findDoubleColon(_ text: [UInt8]) -> Range<Int>? {
        guard text.count >= 2 else { return nil }
        for i in 0..<(text.count - 1) where text[i] == UInt8(ascii: ":") && text[i + 1] == UInt8(ascii: ":") {
            return i..<(i + 2)
        }
        return nil
    }

    private var width: UInt8 { isIPv6 ? 128 : 32 }

    private var allOnes: UInt128 { isIPv6 ? UInt128.max : UInt128(UInt32.max) }

    /// The lowest address of the range this value denotes.
    private var network: UInt128 {
        let hostBits = Int(width - prefixLength)
        let mask: UInt128 = hostBits >= Int(width) ? 0 : (allOnes << hostBits) & allOnes
        return address & mask
    }

    /// The highest address of the range this value denotes.
    private var broadcast: UInt128 {
        let hostBits = Int(width - prefixLength)
        let hostMask: UInt128 = hostBits == 0 ? 0 : (hostBits >= Int(width) ? allOnes : allOnes >> Int(prefixLength))
        return address | hostMask
    }

    /// Whether this is the loopback address or a range within it (`127.0.0.0/8`, `::1`).
    public var isLoopback: Bool {
        if isIPv6 { return address == 1 && prefixLength >= 128 }
        return (address >> 24) == 127 && prefixLength >= 8
    }

    /// Whether this is a multicast address or a range within it (`224.0.0.0/4`, `ff00::/8`).
    public var isMulticast: Bool {
        if isIPv6 { return (address >> 120) == 0xFF && prefixLength >= 8 }
        return (address >> 28) == 0xE && prefixLength >= 4
    }

    /// Whether every address of this range lies in `other`'s range (false across IP versions).
    public func isInRange(_ other: IPAddress) -> Bool {
        guard isIPv6 == other.isIPv6 else { return false }
        return other.network <= network && broadcast <= other.broadcast
    }

    /// The address in dotted or colon-hex form followed by `/prefix`.
    public var description: String {
        if !isIPv6 {
            let a = UInt32(truncatingIfNeeded: address)
            return "\(a >> 24).\((a >> 16) & 0xFF).\((a >> 8) & 0xFF).\(a & 0xFF)/\(prefixLength)"
        }
        var groups: [String] = []
        for i in stride(from: 7, through: 0, by: -1) {
            groups.append(String(UInt16(truncatingIfNeeded: address >> (16 * i)), radix: 16))
        }
        return groups.joined(separator: ":") + "/\(prefixLength)"
    }
}
