import CustosCore
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let v = try JSONParser().parse(
            #" {"a": [1, -2, 3.5, 1e3, true, false, null, "x\n\u00e9\ud83d\ude00"], "b": {}} "#
        )
        let a = try #require(v.objectValue?["a"]?.arrayValue)
        #expect(
            a == [
                .integer(1), .integer(-2), .double(3.5), .double(1000), .bool(true), .bool(false), .null,
                .string("x\né😀"),
            ]
        )
        #expect(v.objectValue?["b"] == .object(JSONObject()))
    }

    @Test func keepsIntegersExactAndLargeNumbersAsDoubles() throws {
        #expect(try JSONParser().parse("9223372036854775807") == .integer(Int64.max))
        #expect(try JSONParser().parse("-9223372036854775808") == .integer(Int64.min))
        #expect(try JSONParser().parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONParser().parse("-0") == .integer(0))
    }

    @Test(arguments: [
        ("", 1, 1, "unexpected end of input"),
        ("{", 1, 2, "expected a member name"),
        ("{\"a\" 1}", 1, 6, "expected ':'"),
        ("[1,]", 1, 4, "expected a value"),
        ("[1 2]", 1, 4, "expected ',' or ']'"),
        ("{\"a\":1,\"a\":2}", 1, 8, "duplicate member \"a\""),
        ("\"abc", 1, 1, "unterminated string"),
        ("\"a\u{1}b\"", 1, 3, "control character"),
        ("\"\\x\"", 1, 2, "invalid escape"),
        ("\"\\ud800\"", 1, 8, "lone high surrogate"),
        ("\"\\udc00\"", 1, 8, "lone low surrogate"),
        ("01", 1, 1, "leading zero"),
        ("1.", 1, 3, "digit after the decimal point"),
        ("1e", 1, 3, "digit in the exponent"),
        ("tru", 1, 1, "invalid literal"),
        ("1e999", 1, 1, "out of range"),
        ("{}\n{}", 2, 1, "unexpected data after"),
        ("[\n  1,\n  x]", 3, 3, "expected a value"),
    ])
    func reportsWhereAndWhy(text: String, line: Int, column: Int, reason: String) {
        #expect(throws: JSONParseError.self) { try JSONParser().parse(text) }
        do {
            _ = try JSONParser().parse(text)
        } catch {
            #expect(error.line == line, "\(text)")
            #expect(error.column == column, "\(text)")
            #expect(error.reason.contains(reason), "\(text): \(error.reason)")
        }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser().parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser().parse([0x22, 0xC3, 0x22]) }
    }

    @Test func limitsNesting() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParseError.self) { try JSONParser().parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser().parse(ok)
    }

    @Test func roundTripsRandomValuesThroughCanonicalEncoding() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<500 {
            let value = rng.jsonValue(depth: 0)
            let text = CanonicalJSON.encode(value)
            let back = try JSONParser().parse(text)
            #expect(back == value, "\(CanonicalJSON.string(value))")
            #expect(CanonicalJSON.encode(back) == text)
        }
    }

    @Test func stringsAgreeWithUTF8Validation() {
        // Bytes between quotes (no escapes, no control characters) parse exactly when they are UTF-8, to that text:
        // ASCII through the fast path, the rest through validation.
        var rng = SplitMix64(seed: 11)
        let pieces: [[UInt8]] = [
            [0x61], [0x7A], [0x20], [0x7E], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xC3], [0xA9],
            [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xE2, 0x82],
        ]
        var valid = 0
        for _ in 0..<5_000 {
            var content: [UInt8] = []
            for _ in 0..<(rng.next() % 8) { content += pieces[Int(rng.next() % UInt64(pieces.count))] }
            let expected = String(validating: content, as: UTF8.self)
            let parsed = try? JSONParser().parse([0x22] + content + [0x22])
            #expect(parsed == expected.map { JSONValue.string($0) }, "\(content)")
            if expected != nil { valid += 1 }
        }
        #expect(valid > 500 && valid < 4_500)
    }

    @Test func neverCrashesOnMutatedInput() {
        var rng = SplitMix64(seed: 7)
        let seeds = [
            #"{"id":"e1","time":"2026-11-23T14:03:11.250Z","actor":{"id":"a"},"subjects":["p:1"],"rows":5}"#,
            #"[1,2.5e3,{"x":[true,null,"\u00e9"]}]"#,
        ].map { Array($0.utf8) }
        for _ in 0..<5000 {
            var bytes = seeds[Int(rng.next() % 2)]
            for _ in 0..<(1 + rng.next() % 4) {
                let i = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                case 1: bytes.remove(at: i)
                default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: i)
                }
                if bytes.isEmpty { bytes = [0x20] }
            }
            // Either a value or an error; the property is that it returns at all.
            _ = try? JSONParser().parse(bytes)
            _ = EventBatchDecoder().decode(bytes, framing: .ndjson)
        }
    }

    @Test func parsesSequencesSeparatedByLineBreaks() throws {
        let text = Array("{\"a\":1}\n\n  {\"a\":2}\r\n{\"a\":3}".utf8)
        var values: [JSONValue] = []
        try text.withUnsafeBufferPointer { buffer in
            try JSONParser().parseSequence(buffer) { v, _ in values.append(v) }
        }
        #expect(values.count == 3)
        let glued = Array("{\"a\":1}{\"a\":2}".utf8)
        #expect(throws: JSONParseError.self) {
            try glued.withUnsafeBufferPointer { buffer in try JSONParser().parseSequence(buffer) { _, _ in } }
        }
    }
}

/// Random strings and JSON values for the parser's property tests, from a seeded generator.
extension SplitMix64 {
    mutating func string() -> String {
        let pool: [Character] = ["a", "Z", "0", " ", "\"", "\\", "\n", "\t", "é", "😀", "\u{1}", "/", "ß", "\u{7f}"]
        return String((0..<Int(next() % 8)).map { _ in pool[Int(next() % UInt64(pool.count))] })
    }

    mutating func jsonValue(depth: Int) -> JSONValue {
        switch next() % (depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(next() % 2 == 0)
        case 2: return .integer(Int64(bitPattern: next()) >> Int64(next() % 63))
        case 3:
            let d = Double(Int64(bitPattern: next()) >> 20) / Double(1 << (next() % 40))
            return d == d.rounded() && abs(d) < 9e15 ? .integer(Int64(d)) : .double(d)
        case 4: return .string(string())
        case 5: return .array((0..<Int(next() % 4)).map { _ in jsonValue(depth: depth + 1) })
        default:
            var o = JSONObject()
            for _ in 0..<Int(next() % 4) { o[string()] = jsonValue(depth: depth + 1) }
            return .object(o)
        }
    }
}
