/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fd00::/8`), for the `cidr` modifier.
///
/// Addresses are parsed by hand (dotted quad; IPv6 with `::` compression and an embedded IPv4 tail) so the module
/// needs no Foundation. An IPv4 network never contains an IPv6 address or the reverse.
struct CIDRNetwork: Sendable, Hashable {
    /// The network's address bytes (4 or 16).
    let address: [UInt8]
    /// The prefix length in bits.
    let prefixLength: Int

    /// Parses `address/prefix`; a bare address is a host network (/32 or /128).
    init?(_ text: String) {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let address = Self.parseAddress(String(pieces[0])) else { return nil }
        let maximum = address.count * 8
        var length = maximum
        if pieces.count == 2 {
            guard !pieces[1].isEmpty, pieces[1].count <= 3, pieces[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                let parsed = Int(pieces[1]), parsed <= maximum
            else { return nil }
            length = parsed
        }
        self.address = address
        self.prefixLength = length
    }

    /// Whether an address (given as text) lies inside the network.
    func contains(_ text: String) -> Bool {
        if address.count == 4 {
            // The common case, without allocating: a dotted quad read straight from the UTF-8 (anything else, an
            // IPv6 address included, is not inside an IPv4 network).
            guard let candidate = Self.ipv4Bits(text) else { return false }
            let mask: UInt32 = prefixLength == 0 ? 0 : ~0 << UInt32(32 - prefixLength)
            let network = address.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return candidate & mask == network & mask
        }
        guard let candidate = Self.parseAddress(text), candidate.count == address.count else { return false }
        var bits = prefixLength
        var i = 0
        while bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if candidate[i] & mask != address[i] & mask { return false }
            bits -= 8
            i += 1
        }
        return true
    }

    /// An IPv4 address as a 32-bit number when the text is one as ``parseAddress(_:)`` reads it: four dot-separated
    /// octets of one to three ASCII digits, each at most 255.
    static func ipv4Bits(_ text: String) -> UInt32? {
        var result: UInt32 = 0
        var octets = 0
        var digits = 0
        var octet: UInt32 = 0
        for byte in text.utf8 {
            if byte == 0x2E {
                guard digits > 0, octets < 3 else { return nil }
                result = result << 8 | octet
                octets += 1
                digits = 0
                octet = 0
            } else if byte >= 0x30 && byte <= 0x39 {
                digits += 1
                guard digits <= 3 else { return nil }
                octet = octet * 10 + UInt32(byte - 0x30)
                guard octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, octets == 3 else { return nil }
        return result << 8 | octet
    }

    /// The bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) address, or nil.
    static func parseAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") { return parseIPv6(Substring(text)) }
        return parseIPv4(Substring(text))
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var out: [UInt8] = []
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = UInt8(octet)
            else { return nil }
            out.append(value)
        }
        return out
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        var text = text
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }  // zone id
        let halves = text.components(separatedByDoubleColon: ())
        guard let halves, halves.count <= 2 else { return nil }
        func groups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail && index == pieces.count - 1 && piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    out.append(contentsOf: v4)
                } else {
                    guard !piece.isEmpty, piece.count <= 4, piece.allSatisfy({ $0.isASCII && $0.isHexDigit }),
                        let value = UInt16(piece, radix: 16)
                    else { return nil }
                    out.append(UInt8(value >> 8))
                    out.append(UInt8(value & 0xFF))
                }
            }
            return out
        }
        if halves.count == 1 {
            guard let all = groups(halves[0], allowIPv4Tail: true), all.count == 16 else { return nil }
            return all
        }
        guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

extension Substring {
    /// The text split at `::` (nil when `::` occurs more than once).
    fileprivate func components(separatedByDoubleColon: ()) -> [Substring]? {
        var parts: [Substring] = []
        var start = startIndex
        var i = startIndex
        while i < endIndex {
            let next = index(after: i)
            if self[i] == ":" && next < endIndex && self[next] == ":" {
                parts.append(self[start..<i])
                start = index(after: next)
                i = start
                if parts.count > 1 { return nil }
                continue
            }
            i = next
        }
        parts.append(self[start..<endIndex])
        return parts
    }
}
