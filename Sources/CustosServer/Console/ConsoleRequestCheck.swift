import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The checks on every state-changing console request: it must come from the console's own origin and carry the
/// session's CSRF token.
public enum ConsoleRequestCheck {
    /// Why a POST is refused, or nil when it may proceed.
    public static func refusal(
        headers: HTTPFields,
        authority: String?,
        formToken: String?,
        sessionToken: String
    ) -> String? {
        if let site = headers[HTTPField.Name("Sec-Fetch-Site")!], site != "same-origin", site != "none" {
            return "cross-site request refused"
        }
        if let origin = headers[HTTPField.Name("Origin")!] {
            guard let authority, Self.host(ofOrigin: origin) == authority.lowercased() else {
                return "cross-origin request refused"
            }
        }
        guard let formToken, Self.constantTimeEqual(formToken, sessionToken) else {
            return "missing or wrong CSRF token"
        }
        return nil
    }

    /// The `host[:port]` of an origin (`http://127.0.0.1:8080` → `127.0.0.1:8080`); nil when it is not one.
    static func host(ofOrigin origin: String) -> String? {
        guard let url = URL(string: origin), let host = url.host, url.scheme == "http" || url.scheme == "https" else {
            return nil
        }
        return (url.port.map { "\(host):\($0)" } ?? host).lowercased()
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
