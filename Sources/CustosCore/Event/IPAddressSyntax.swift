/// Checks the textual form of IP addresses as events carry them.
public enum IPAddressSyntax {
    /// Whether `s` is a dotted-quad IPv4 address or an RFC 4291 IPv6 address (with `::` and an optional IPv4 tail).
    public static func isValid(_ s: String) -> Bool {
        s.contains(":") ? isIPv6(s) : isIPv4(s)
    }

    /// Whether `s` is a dotted-quad IPv4 address without leading zeros.
    public static func isIPv4(_ s: Substring) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(p), v <= 255,
                p == "0" || !p.hasPrefix("0")
            else { return false }
        }
        return true
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
