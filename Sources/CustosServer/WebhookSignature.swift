import Crypto

/// The `Custos-Signature` of a webhook request: HMAC-SHA256, keyed with the endpoint's secret, over the ASCII
/// decimal `Custos-Timestamp`, one `.`, and the raw body bytes — written `sha256=<64 lowercase hex digits>`.
///
/// Receivers recompute it over the bytes they received (before any JSON parsing), compare in constant time, and
/// refuse timestamps too far from their clock so a captured request cannot be replayed (docs/notifications.md).
public enum WebhookSignature {
    /// The scheme prefix of the header value.
    public static let scheme = "sha256="

    /// The header value for a body sent at `timestamp` (Unix seconds).
    public static func sign(secret: [UInt8], timestamp: Int64, body: [UInt8]) -> String {
        var message = Array(String(timestamp).utf8)
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return scheme + code.map { byte in String(byte, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// Whether `header` is the signature of `body` at `timestamp`, compared in constant time.
    public static func verify(_ header: String, secret: [UInt8], timestamp: Int64, body: [UInt8]) -> Bool {
        let expected = Array(sign(secret: secret, timestamp: timestamp, body: body).utf8)
        let given = Array(header.utf8)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
