import CustosCore
import Testing

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    // Number serialisation examples from RFC 8785 appendix B and ECMAScript.
    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (1.0, "1"), (-1.5, "-1.5"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"), (0.000001, "0.000001"), (1e-7, "1e-7"),
        (4.5, "4.5"), (2e-3, "0.002"), (9007199254740992.0, "9007199254740992"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (5e-324, "5e-324"), (333333333.33333329, "333333333.3333333"), (0.1 + 0.2, "0.30000000000000004"),
    ])
    func formatsNumbersAsECMAScript(value: Double, expected: String) {
        #expect(CanonicalJSON.formatNumber(value) == expected)
    }

    @Test func sortsMembersByUTF16AndEscapesMinimally() throws {
        let v = try JSONParser().parse(#"{"b":1,"a":"\u0001\/é\"","€":0,"😀":0,"ﬀ":0}"#)
        // "😀" (U+1F600) is a surrogate pair D83D…, which sorts before U+FB00 in UTF-16 order.
        #expect(CanonicalJSON.string(v) == #"{"a":"\u0001/é\"","b":1,"€":0,"😀":0,"ﬀ":0}"#)
    }

    @Test func equalObjectsInAnyOrderEncodeAlike() throws {
        let a = try JSONParser().parse(#"{"x":1,"y":[1,2],"z":{"p":null,"q":true}}"#)
        let b = try JSONParser().parse(#"{"z":{"q":true,"p":null},"y":[1,2],"x":1}"#)
        #expect(a == b)
        #expect(CanonicalJSON.encode(a) == CanonicalJSON.encode(b))
    }
}
