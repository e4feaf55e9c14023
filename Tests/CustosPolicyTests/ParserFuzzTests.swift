import CustosCore
import CustosPolicy
import Foundation
import Testing

/// Property: whatever the text — random bytes, or valid policies with random mutations — the parser returns a
/// policy set or a ``PolicyParseError`` located inside the text (line and column within it), never crashes and
/// never hangs. Seeded, so a failure is reproducible; `CUSTOS_LONG_TESTS=1` runs four times as many cases.
@Suite("Parser fuzzing")
struct ParserFuzzTests {
    static let valid = [
        #"""
        @id("view-assigned")
        permit (principal is User in Group::"team-1", action in [Action::"view", Action::"print"], resource)
        when { resource.owner == principal && context has purpose }
        unless { principal.clearance < resource.sensitivity };
        """#,
        #"""
        forbid (principal, action == Action::"export", resource is Record in Dataset::"d0")
        when { !(context.src.isInRange(ip("10.0.0.0/8"))) || principal.risk.greaterThan(decimal("0.9")) };
        """#,
        #"""
        @break_glass
        @shadow("candidate")
        permit (principal == User::"u\u{1F600}", action, resource)
        when { if context has reason then context.reason like "*emergency*" else false }
        when { [1, -2, 3].containsAny([principal.level * 2 + 1]) && {a: "x", "b c": [true]} has a };
        """#,
        #"""
        permit (principal == ?principal, action, resource in ?resource)
        when { principal.hasTag("team") && principal.getTag("team") == "red" && datetime("2026-01-01") < context.at };
        """#,
    ]

    static var scale: Int { ProcessInfo.processInfo.environment["CUSTOS_LONG_TESTS"] == "1" ? 4 : 1 }

    /// Parses `text` and checks the property; returns whether it parsed.
    @discardableResult
    static func check(_ text: String, _ label: String) -> Bool {
        let started = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .seconds(2), "parsing took \(elapsed): \(label)")
        }
        do {
            _ = try PolicySet(parsing: text)
            return true
        } catch {
            let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(error.location.line >= 1 && error.location.line <= lines.count, "\(label): \(error)")
            if error.location.line >= 1 && error.location.line <= lines.count {
                let width = lines[error.location.line - 1].count
                #expect(error.location.column >= 1 && error.location.column <= width + 1, "\(label): \(error)")
            }
            #expect(!error.reason.isEmpty, "\(label)")
            return false
        }
    }

    @Test func theSeedPoliciesParse() {
        for text in Self.valid { #expect(Self.check(text, "seed policy"), "\(text)") }
    }

    @Test func randomBytesGiveALocatedError() {
        var rng = SplitMix64(seed: 20_261_123)
        let alphabet = Array("permitforbidwhenunlessprincipalactionresource(){}[];,.:=!<>&|\"\\@?-+*/ \n\t0123456789")
        for i in 0..<(5_000 * Self.scale) {
            let length = Int.random(in: 0...200, using: &rng)
            let text: String
            if i % 2 == 0 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                text = String(decoding: bytes, as: UTF8.self)
            } else {
                text = String((0..<length).map { _ in alphabet.randomElement(using: &rng) ?? " " })
            }
            Self.check(text, "random case \(i)")
        }
    }

    @Test func mutatedPoliciesGiveAPolicySetOrALocatedError() {
        var rng = SplitMix64(seed: 6962)
        let pieces = [
            "(", ")", "{", "}", "[", "]", ";", ",", "\"", "\\", "::", "==", "&&", "||", "!", "-", "if", "then", "else",
            "has", "like", "in", "is", "when", "unless", "@id(\"x\")", "?principal", "9223372036854775808",
            "\"\\u{110000}\"", "/*", "//", "\n", "\u{0}", "é", "principal", "context.a.b",
        ]
        var parsed = 0
        let total = 10_000 * Self.scale
        for i in 0..<total {
            var scalars = Array((Self.valid.randomElement(using: &rng) ?? "").unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0...scalars.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:  // delete a range
                    let end = min(scalars.count, at + Int.random(in: 1...8, using: &rng))
                    if at < end { scalars.removeSubrange(at..<end) }
                case 1:  // insert a token
                    scalars.insert(contentsOf: (pieces.randomElement(using: &rng) ?? "").unicodeScalars, at: at)
                case 2:  // replace one scalar with a random one
                    if at < scalars.count {
                        scalars[at] = Unicode.Scalar(UInt8.random(in: 0...127, using: &rng))
                    }
                default:  // duplicate a range
                    let end = min(scalars.count, at + Int.random(in: 1...20, using: &rng))
                    if at < end { scalars.insert(contentsOf: Array(scalars[at..<end]), at: at) }
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            if Self.check(text, "mutation \(i)") { parsed += 1 }
        }
        // Some mutations keep the text valid (a duplicated space, a changed identifier); most do not.
        #expect(parsed > 0 && parsed < total)
    }
}
