import CustosCore
import Testing

@Suite("Event validation")
struct EventValidatorTests {
    static let valid = #"""
        {"id": "evt-1", "time": "2026-11-23T14:03:11.250Z",
         "actor": {"id": "officer-4411", "name": "J. Doe", "roles": ["analyst"], "org": "fo/minneapolis",
                   "session": "s-9f2", "ip": "10.1.2.3", "device": "laptop-22"},
         "action": "search",
         "resource": {"type": "record", "id": "persons/123", "dataset": "persons", "labels": ["pii", "restricted"]},
         "subjects": ["person:123"], "query": "surname = 'Garcia'", "rows": 1200, "bytes": 340000,
         "purpose": {"case": "C-2024-0001", "reason": "warrant service"}, "outcome": "success", "app": "casebook",
         "decision": "dec-1", "attributes": {"any": "extra field"}}
        """#

    static func base() throws -> JSONObject {
        try #require(try JSONParser().parse(valid).objectValue)
    }

    @Test func acceptsTheDesignExample() throws {
        guard case .valid(let e) = EventValidator().validate(.object(try Self.base())) else {
            Issue.record("the design example is refused")
            return
        }
        #expect(e.actor.id == "officer-4411" && e.rows == 1200 && e.purpose?.caseID == "C-2024-0001")
        #expect(e.time.rfc3339 == "2026-11-23T14:03:11.250Z")
        // The JSON form round-trips.
        #expect(EventValidator().validate(e.jsonValue) == .valid(e))
    }

    @Test func acceptsTheMinimalEvent() throws {
        let v = try JSONParser().parse(
            #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x"}"#
        )
        guard case .valid(let e) = EventValidator().validate(v) else {
            Issue.record("refused")
            return
        }
        #expect(e.outcome == .success && e.subjects.isEmpty && e.id == nil)
    }

    /// Each case changes one field of the valid event (nil removes it) and expects that path and reason.
    static let cases: [(String, JSONValue?, String, String)] = [
        ("time", nil, "time", "is required"),
        ("time", .integer(5), "time", "must be a string"),
        ("time", .string("yesterday"), "time", "not an RFC 3339"),
        ("actor", nil, "actor", "is required"),
        ("actor", .string("bob"), "actor", "must be an object"),
        ("actor.id", nil, "actor.id", "is required"),
        ("actor.id", .string(""), "actor.id", "must not be empty"),
        ("actor.id", .string(String(repeating: "x", count: 257)), "actor.id", "longer than 256"),
        ("actor.id", .string("a\u{7}b"), "actor.id", "control characters"),
        ("actor.roles", .string("analyst"), "actor.roles", "must be an array"),
        ("actor.roles", .array([.integer(1)]), "actor.roles[0]", "must be a string"),
        ("actor.roles", .array(Array(repeating: .string("r"), count: 65)), "actor.roles", "more than the limit of 64"),
        ("actor.ip", .string("10.1.2"), "actor.ip", "not an IPv4 or IPv6"),
        ("actor.ip", .string("10.01.2.3"), "actor.ip", "not an IPv4 or IPv6"),
        ("actor.ip", .string("fe80::1::2"), "actor.ip", "not an IPv4 or IPv6"),
        ("actor.shoe", .string("x"), "actor.shoe", "unknown field"),
        ("action", nil, "action", "is required"),
        ("action", .string("Search"), "action", "lowercase verb"),
        ("action", .string("casebook..merge"), "action", "lowercase verb"),
        ("action", .string("custos.read"), "action", "recorded by Custos itself"),
        ("resource", .array([]), "resource", "must be an object"),
        ("resource.dataset", .integer(1), "resource.dataset", "must be a string"),
        ("resource.labels", .array([.string("")]), "resource.labels[0]", "must not be empty"),
        ("resource.owner", .string("x"), "resource.owner", "unknown field"),
        ("subjects", .string("person:1"), "subjects", "array of strings"),
        ("subjects", .array([.string("p"), .null]), "subjects[1]", "is required"),
        ("subjects", .array(Array(repeating: .string("p"), count: 10_001)), "subjects", "more than the limit of 10000"),
        ("query", .integer(3), "query", "must be a string"),
        ("query", .string(String(repeating: "q", count: 65_537)), "query", "longer than 65536 bytes"),
        ("rows", .integer(-1), "rows", "must not be negative"),
        ("rows", .double(1.5), "rows", "whole number"),
        ("rows", .double(-2), "rows", "must not be negative"),
        ("rows", .double(1e300), "rows", "at most 9007199254740991"),
        ("rows", .string("12"), "rows", "must be a number"),
        ("bytes", .integer(9_007_199_254_740_992), "bytes", "at most 9007199254740991"),
        ("purpose", .string("x"), "purpose", "must be an object"),
        ("purpose.case", .string(""), "purpose.case", "must not be empty"),
        ("purpose.why", .string("x"), "purpose.why", "unknown field"),
        ("outcome", .string("ok"), "outcome", "must be one of success, denied, failure"),
        ("outcome", .bool(true), "outcome", "must be a string"),
        ("app", nil, "app", "is required"),
        ("id", .string(""), "id", "must not be empty"),
        ("id", .integer(7), "id", "must be a string"),
        ("decision", .array([]), "decision", "must be a string"),
        ("attributes", .string("x"), "attributes", "must be an object"),
        (
            "attributes", .object(JSONObject([("big", .string(String(repeating: "a", count: 70_000)))])), "attributes",
            "larger than 65536 bytes"
        ),
        ("color", .string("red"), "color", "unknown field"),
    ]

    @Test(arguments: 0..<cases.count)
    func refusesEachBadFieldWithItsPathAndReason(index: Int) throws {
        let (field, value, path, reason) = Self.cases[index]
        var o = try Self.base()
        let parts = field.split(separator: ".").map(String.init)
        if parts.count == 1 {
            o[parts[0]] = value
        } else {
            var inner = o[parts[0]]?.objectValue ?? JSONObject()
            inner[parts[1]] = value
            o[parts[0]] = .object(inner)
        }
        guard case .invalid(let issues) = EventValidator().validate(.object(o), index: 4) else {
            Issue.record("accepted an event with a bad \(field)")
            return
        }
        #expect(issues.contains { $0.path == path && $0.reason.contains(reason) && $0.index == 4 }, "\(issues)")
    }

    @Test func acceptsWholeNumbersWrittenWithAFractionOrExponent() throws {
        var o = try Self.base()
        o["rows"] = .double(5)
        o["bytes"] = try JSONParser().parse("1e2")
        guard case .valid(let e) = EventValidator().validate(.object(o)) else {
            Issue.record("refused 5.0")
            return
        }
        #expect(e.rows == 5 && e.bytes == 100)
    }

    @Test func listsEveryProblemAtOnce() throws {
        let v = try JSONParser().parse(#"{"time":"x","actor":{},"action":"A","app":"","rows":-1,"zzz":1}"#)
        guard case .invalid(let issues) = EventValidator().validate(v) else {
            Issue.record("accepted")
            return
        }
        #expect(Set(issues.map(\.path)) == ["zzz", "time", "actor.id", "action", "rows", "app"])
    }

    @Test func refusesNonObjects() {
        guard case .invalid(let issues) = EventValidator().validate(.array([])) else {
            Issue.record("accepted")
            return
        }
        #expect(issues == [ValidationIssue(path: "", reason: "must be a JSON object, not array")])
    }

    @Test func acceptsReservedActionsOnlyWhenAllowed() throws {
        var o = try Self.base()
        o["action"] = .string("custos.read")
        guard case .valid = EventValidator(allowsReservedActions: true).validate(.object(o)) else {
            Issue.record("refused")
            return
        }
    }

    /// The dotted-quad rule as first written (on Characters), the oracle for the byte-level check.
    private static func referenceIsIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(p), v <= 255,
                p == "0" || !p.hasPrefix("0")
            else { return false }
        }
        return true
    }

    @Test func ipv4AgreesWithTheCharacterRule() {
        var rng = SplitMix64(seed: 4)
        let parts = [
            "0", "1", "9", "10", "25", "99", "199", "255", "256", "01", "00", "999", "1000", "", "a", "\u{663}", " 1",
        ]
        let noise = ["", "", "", ".", "0", "x", ":", "-"]
        var accepted = 0
        for _ in 0..<20_000 {
            // Three to five parts between dots, now and then with a stray character at either end.
            let count = 3 + Int(rng.next() % 3)
            let body = (0..<count).map { _ in parts[Int(rng.next() % UInt64(parts.count))] }.joined(separator: ".")
            let s = noise[Int(rng.next() % 8)] + body + noise[Int(rng.next() % 8)]
            let expected = Self.referenceIsIPv4(s)
            #expect(IPAddressSyntax.isIPv4(s) == expected, "\(s)")
            if expected { accepted += 1 }
        }
        // The sample reaches both answers.
        #expect(accepted > 50)
        for ip in ["0.0.0.0", "255.255.255.255", "10.1.2.3", "192.168.0.10"] {
            #expect(IPAddressSyntax.isIPv4(ip), "\(ip)")
        }
        for ip in [
            "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "1.2.3.", ".1.2.3", "1.2.3.1000", "1.2.3.-1",
        ] {
            #expect(!IPAddressSyntax.isIPv4(ip), "\(ip)")
        }
    }

    @Test func controlCharacterRulesAgreeWithTheScalarRules() throws {
        var rng = SplitMix64(seed: 8)
        let scalars: [Unicode.Scalar] = [
            "a", "Z", " ", "\u{0}", "\u{1F}", "\u{7F}", "\u{85}", "\t", "\n", "\r", "é", "€", "😀",
        ]
        for _ in 0..<3_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<(1 + rng.next() % 6) { text.append(scalars[Int(rng.next() % UInt64(scalars.count))]) }
            let s = String(text)
            var o = try Self.base()
            guard case .object(var actor)? = o["actor"] else {
                Issue.record("the fixture has no actor")
                return
            }
            actor["name"] = .string(s)
            o["actor"] = .object(actor)
            o["purpose"] = .object(JSONObject([("reason", .string(s))]))
            let nameRefused = s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
            let reasonRefused = s.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }
            var paths: Set<String> = []
            if case .invalid(let issues) = EventValidator().validate(.object(o)) { paths = Set(issues.map(\.path)) }
            #expect(paths.contains("actor.name") == nameRefused, "\(s.unicodeScalars.map(\.value))")
            #expect(paths.contains("purpose.reason") == reasonRefused, "\(s.unicodeScalars.map(\.value))")
        }
    }

    @Test func knowsEachSchemaMemberAndNoOther() throws {
        let members: [(object: String?, names: [String])] = [
            (nil, Array(EventValidator.topLevelFields)),
            ("actor", ["id", "name", "roles", "org", "session", "ip", "device"]),
            ("resource", ["type", "id", "dataset", "labels"]),
            ("purpose", ["case", "reason"]),
        ]
        for (object, names) in members {
            for name in names + ["ID", "ids", "", "time ", "actors", "label"] {
                var o = try Self.base()
                if let object {
                    var inner = o[object]?.objectValue ?? JSONObject()
                    inner[name] = .null
                    o[object] = .object(inner)
                } else {
                    o[name] = o[name] ?? .null
                }
                let path = object.map { "\($0).\(name)" } ?? name
                var unknown = false
                if case .invalid(let issues) = EventValidator().validate(.object(o)) {
                    unknown = issues.contains { $0.path == path && $0.reason == "unknown field" }
                }
                #expect(unknown == !names.contains(name), "\(path)")
            }
        }
    }

    @Test func acceptsIPv6Forms() {
        for ip in ["::1", "fe80::1", "2001:db8::8a2e:370:7334", "::ffff:10.1.2.3", "1:2:3:4:5:6:7:8"] {
            #expect(IPAddressSyntax.isValid(ip), "\(ip)")
        }
        for ip in ["1:2:3:4:5:6:7:8:9", ":::", "g::1", "1:2:3:4:5:6:7"] {
            #expect(!IPAddressSyntax.isValid(ip), "\(ip)")
        }
    }
}

@Suite("Event batches")
struct EventBatchTests {
    let event = #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"view","app":"x""#

    @Test func decodesObjectArrayAndNDJSON() {
        let one = Array((event + "}").utf8)
        let array = Array(("[" + event + "}," + event + "}]").utf8)
        let nd = Array((event + "}\n\n" + event + "}\n").utf8)
        #expect((try? EventBatchDecoder().decode(one, framing: .json).get())?.count == 1)
        #expect((try? EventBatchDecoder().decode(array, framing: .json).get())?.count == 2)
        #expect((try? EventBatchDecoder().decode(nd, framing: .ndjson).get())?.count == 2)
    }

    @Test func refusesTheWholeBatchNamingEachBadEvent() {
        let body = Array(
            (event + "}\n" + event + ",\"rows\":-1}\n" + event + "}\n" + event + ",\"outcome\":\"x\"}").utf8
        )
        guard case .failure(let error) = EventBatchDecoder().decode(body, framing: .ndjson) else {
            Issue.record("accepted")
            return
        }
        #expect(error.issues.map(\.index) == [1, 3])
        #expect(error.invalidEvents == 2)
    }

    @Test func refusesDuplicateIDsInOneBatch() {
        let e = event + ",\"id\":\"same\"}"
        guard
            case .failure(let error) = EventBatchDecoder().decode(Array(("[" + e + "," + e + "]").utf8), framing: .json)
        else {
            Issue.record("accepted")
            return
        }
        #expect(
            error.issues == [
                ValidationIssue(index: 1, path: "id", reason: "duplicates the id of event 0 in this batch")
            ]
        )
    }

    @Test func namesTheLineOfASyntaxError() {
        let body = Array((event + "}\n" + event + "\n\n" + event + "}\n").utf8)
        guard case .failure(let error) = EventBatchDecoder().decode(body, framing: .ndjson) else {
            Issue.record("accepted")
            return
        }
        #expect(
            error.issues == [
                ValidationIssue(
                    index: 1,
                    path: "",
                    reason: "line 2, column 76: unexpected end of input, expected ',' or '}'"
                )
            ],
            "\(error)"
        )
    }

    @Test func refusesEmptyAndOversizedBatches() {
        guard case .failure = EventBatchDecoder().decode(Array("[]".utf8), framing: .json) else {
            Issue.record("accepted empty")
            return
        }
        let many = "[" + Array(repeating: event + "}", count: 11).joined(separator: ",") + "]"
        guard case .failure(let e) = EventBatchDecoder(maximumEvents: 10).decode(Array(many.utf8), framing: .json)
        else {
            Issue.record("accepted oversized")
            return
        }
        #expect(e.issues.first?.reason.contains("more than 10") == true)
    }
}
