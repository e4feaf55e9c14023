/// Checks the textual form of IP addresses as events carry them.
public enum IPAddressSyntax {
    /// Whether `s` is a dotted-quad IPv4 address or an RFC 4291 IPv6 address (with `::` and an optional IPv4 tail).
    public static func isValid(_ s: String) -> Bool {
        s.utf8.contains(UInt8(ascii: ":")) ? isIPv6(s) : isIPv4(s)
    }

    /// Whether `s` is a dotted-quad IPv4 address without leading zeros: four decimal parts of one to three digits,
    /// each at most 255, and none but a lone `0` starting with `0`.
    public static func isIPv4(_ s: Substring) -> Bool {
        var dots = 0
        var digits = 0
        var value = 0
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "."):
                guard digits > 0 else { return false }
                dots += 1
                digits = 0
                value = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                // A digit after a leading zero.
                if digits == 1 && value == 0 { return false }
                digits += 1
                value = value * 10 + Int(b - UInt8(ascii: "0"))
                guard digits <= 3, value <= 255 else { return false }
            default:
                return false
            }
        }
        return dots == 3 && digits > 0
    }

    /// Whether `s` is a dotted-quad IPv4 address.
    public static func isIPv4(_ s: String) -> Bool { isIPv4(Substring(s)) }

    /// Whether `s` is an IPv6 address.
    public static func isIPv6(_ s: String) -> Bool {
        let halves = s.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (h, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (i, p) in parts.enumerated() {
                if h == halves.count - 1 && i == parts.count - 1 && p.contains(".") {
                    guard isIPv4(p) else { return false }
                    groups += 2
                    continue
                }
                guard !p.isEmpty, p.count <= 4, p.allSatisfy({ $0.isHexDigit }) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }
}
