/// The network an IP address belongs to for first-seen detection: the IPv4 /24 (`10.4.17.0/24`) or the IPv6 /48
/// (`2001:db8:12::/48`).
enum NetworkPrefix {
    /// The prefix of an address, or nil when the text is not an IP address.
    static func of(_ address: String) -> String? {
        guard let bytes = CIDRNetwork.parseAddress(address) else { return nil }
        if bytes.count == 4 { return "\(bytes[0]).\(bytes[1]).\(bytes[2]).0/24" }
        guard bytes.count == 16 else { return nil }
        let groups = stride(from: 0, to: 6, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        return groups.joined(separator: ":") + "::/48"
    }
}
