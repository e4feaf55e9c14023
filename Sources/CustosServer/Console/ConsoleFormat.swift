import CustosCore
import Foundation

/// How the console writes times, durations and links.
enum ConsoleFormat {
    /// `2026-03-01 14:05:09 UTC`.
    static func time(_ t: Timestamp) -> String {
        let s = t.rfc3339
        return String(s.prefix(10)) + " " + String(s.dropFirst(11).prefix(8)) + " UTC"
    }

    /// `3 h 12 min`, `5 d 2 h`.
    static func age(milliseconds: Int64) -> String {
        let s = max(0, milliseconds / 1000)
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        if s < 172_800 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86400) d \(s % 86400 / 3600) h"
    }

    private static let pathAllowed: CharacterSet = {
        var c = CharacterSet.alphanumerics
        c.insert(charactersIn: "-._~:@")
        return c
    }()

    private static let queryAllowed: CharacterSet = {
        var c = CharacterSet.alphanumerics
        c.insert(charactersIn: "-._~:@/")
        return c
    }()

    /// One path segment, percent-encoded.
    static func segment(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: pathAllowed) ?? s
    }

    /// `path?name=value&…` with the values percent-encoded; empty values left out.
    static func link(_ path: String, _ query: [(String, String?)]) -> String {
        let parts = query.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return name + "=" + (value.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? value)
        }
        return parts.isEmpty ? path : path + "?" + parts.joined(separator: "&")
    }

    /// Whole numbers with thin grouping (`1 234 567`).
    static func count(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{202F}" }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A JSON value as indented text.
    static func pretty(_ value: JSONValue) -> String {
        let bytes = Data(CanonicalJSON.encode(value))
        guard let object = try? JSONSerialization.jsonObject(with: bytes),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self)
    }
}
