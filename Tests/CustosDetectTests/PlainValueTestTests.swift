import CustosCore
import CustosDetect
import Testing

/// Field tests made only of literal strings, numbers, booleans and `null` are evaluated in a plain form (no reference
/// counting); a field test with one other value (a wildcard) takes the general path. Adding a wildcard value that no
/// field value can match leaves the verdict unchanged, so the two forms of the same condition must agree on every
/// value of every type.
@Suite("Plain value tests")
struct PlainValueTestTests {
    /// A pattern no value in these tests can match: a control character, then one character.
    static let neverMatches = "'\\x01?'"

    static let conditions: [String] = [
        "field: view", "field: View", "field|cased: View", "field|contains: IE", "field|startswith: vi",
        "field|endswith: EW", "field|contains|cased: ie", "field: '4625'", "field|contains: '62'", "field: 4625",
        "field: 4625.5", "field: 0", "field: true", "field: false", "field|contains: ru", "field: ''",
        "field: 'straße'", "field|contains: 'İ'", "field|startswith: '-1'", "field: 3", "field: '3'",
    ]

    static let values: [JSONValue?] = [
        nil, .null, .string("view"), .string("VIEW"), .string("View"), .string("preview"), .string("vİew"),
        .string("4625"), .string("4625.5"), .string(" 4625"), .string("4625e0"), .integer(4625), .integer(0),
        .integer(1), .double(4625.5), .double(3.0), .double(-1.25), .bool(true), .bool(false), .string("TRUE"),
        .string("True"), .string(""), .string("STRASSE"), .string("Straße"), .string("true"),
        .array([.string("x"), .string("view")]), .array([.integer(4625)]), .array([]),
        .object(JSONObject([("a", .string("view"))])),
    ]

    static func matcher(_ condition: String, extra: String?) throws -> RuleMatcher {
        let colon = condition.firstIndex(of: ":")!
        let key = condition[..<colon]
        let value = condition[condition.index(after: colon)...].trimmingPrefix(" ")
        let list = [String(value)] + (extra.map { [$0] } ?? [])
        let selection = "\(key):\n" + list.map { "    - \($0)" }.joined(separator: "\n")
        return try RuleMatcher(rule: SigmaParser.parseRule(TestSupport.rule(selection), file: "plain.yml"))
    }

    @Test func plainAndGeneralFormsAgree() throws {
        var held = 0
        for condition in Self.conditions {
            let plain = try Self.matcher(condition, extra: nil)
            let general = try Self.matcher(condition, extra: Self.neverMatches)
            let negatedPlain = try Self.matcher(condition.replacing("field", with: "field|neq"), extra: nil)
            for value in Self.values {
                var fields = JSONObject([("action", .string("x"))])
                if let value { fields["field"] = value }
                let event = DetectionEvent(fields: fields, time: Timestamp(millisecondsSinceEpoch: 0))
                let verdict = plain.matches(event)
                #expect(verdict == general.matches(event), "\(condition) on \(String(describing: value))")
                #expect(negatedPlain.matches(event) == !verdict, "neq \(condition) on \(String(describing: value))")
                if verdict { held += 1 }
            }
        }
        #expect(held > 20)
    }

    @Test func knownVerdictsOfThePlainForm() throws {
        func verdict(_ condition: String, _ value: JSONValue) throws -> Bool {
            let event = DetectionEvent(
                fields: JSONObject([("field", value)]),
                time: Timestamp(millisecondsSinceEpoch: 0)
            )
            return try Self.matcher(condition, extra: nil).matches(event)
        }
        #expect(try verdict("field: View", .string("vIEW")))
        #expect(try !verdict("field|cased: View", .string("view")))
        #expect(try verdict("field: 4625", .string("4625")))
        #expect(try verdict("field: '4625'", .integer(4625)))
        #expect(try verdict("field: true", .integer(1)))
        #expect(try verdict("field: 3", .double(3.0)))
        #expect(try verdict("field|contains: IE", .array([.integer(1), .string("preview")])))
        #expect(try !verdict("field|startswith: vi", .string("preview")))
        #expect(try verdict("field: 'straße'", .string("STRAßE")))
    }
}
