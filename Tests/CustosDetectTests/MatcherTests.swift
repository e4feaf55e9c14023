import CustosCore
import CustosDetect
import Foundation
import Testing

@Suite("Matching events")
struct MatcherTests {
    typealias T = TestSupport

    @Test func plainValuesIgnoreCase() throws {
        #expect(try T.matches("action: SEARCH", T.event(action: "search")))
        #expect(try T.matches("actor.id: Officer-1", T.event(actor: "officer-1")))
        #expect(!(try T.matches("actor.id: officer-12", T.event(actor: "officer-1"))))
        #expect(try T.matches("actor.name: 'ÖFFICER'", T.event().withName("öfficer")))
    }

    @Test func wildcardsAndEscapes() throws {
        let e = T.event(query: "name:Smith* AND dob?1970")
        #expect(try T.matches("query: 'name:*'", e))
        #expect(try T.matches("query: '*smith\\**'", e))
        #expect(try T.matches("query: '*dob\\?1970'", e))
        #expect(try T.matches("query: 'name:smit?\\* *'", e))
        #expect(!(try T.matches("query: 'name:smit?'", e)))
        #expect(try T.matches("query: '*'", e))
        // A backslash before an ordinary character is literal.
        #expect(try T.matches("query: 'C:\\Users\\\\*'", T.event(query: "C:\\Users\\bob")))
        #expect(try T.matches("query: 'C:\\Users\\*'", T.event(query: "C:\\Users*")))
        #expect(try T.matches("query: 'a\\\\*'", T.event(query: "a\\xyz")))
        #expect(!(try T.matches("query: 'a\\\\*'", T.event(query: "a\\\\*"))) == false)
        // `?` is one character, also when it is not ASCII.
        #expect(try T.matches("query: 'M?ller'", T.event(query: "Müller")))
        #expect(try T.matches("query: '*ü*'", T.event(query: "MÜLLER")))
    }

    @Test func containsStartsWithEndsWith() throws {
        let e = T.event(query: "Export ALL persons")
        #expect(try T.matches("query|contains: all", e))
        #expect(try T.matches("query|startswith: export", e))
        #expect(try T.matches("query|endswith: PERSONS", e))
        #expect(!(try T.matches("query|startswith: persons", e)))
        #expect(try T.matches("query|contains: 'all*sons'", e))
        #expect(try T.matches("query|contains|cased: ALL", e))
        #expect(!(try T.matches("query|contains|cased: all", e)))
    }

    @Test func listsAreOrAndAllIsAnd() throws {
        let e = T.event(query: "select name, dob from persons")
        #expect(try T.matches("query|contains:\n    - salary\n    - dob", e))
        #expect(!(try T.matches("query|contains|all:\n    - salary\n    - dob", e)))
        #expect(try T.matches("query|contains|all:\n    - name\n    - dob", e))
    }

    @Test func listFieldsMatchAnyElement() throws {
        let e = T.event(roles: ["analyst", "supervisor"], labels: ["pii", "vip"], subjects: ["p-1", "p-2"])
        #expect(try T.matches("actor.roles: supervisor", e))
        #expect(try T.matches("resource.labels|contains: vi", e))
        #expect(try T.matches("subjects: p-2", e))
        #expect(!(try T.matches("subjects: p-3", e)))
        #expect(try T.matches("actor.roles|all:\n    - analyst\n    - supervisor", e))
    }

    @Test func numbersAndStrings() throws {
        let e = T.event(rows: 1500)
        #expect(try T.matches("rows: 1500", e))
        #expect(try T.matches("rows: '1500'", e))  // leniency: a string matches a number's text
        #expect(try T.matches("rows: '15*'", e))
        #expect(try T.matches("rows|gt: 1000", e))
        #expect(try T.matches("rows|gte: 1500", e))
        #expect(!(try T.matches("rows|gt: 1500", e)))
        #expect(try T.matches("rows|lt: 1500.5", e))
        #expect(try T.matches("rows|lte: 1500", e))
        #expect(!(try T.matches("rows|lt: 10", e)))
        let attributes = JSONObject([("code", .string("4625")), ("ratio", .double(0.5))])
        #expect(try T.matches("attributes.code: 4625", T.event(attributes: attributes)))
        #expect(!(try T.matches("attributes.code|gt: 10", T.event(attributes: attributes))))  // strings do not compare
        #expect(try T.matches("attributes.ratio|lt: 1", T.event(attributes: attributes)))
        #expect(try T.matches("attributes.ratio: 0.5", T.event(attributes: attributes)))
    }

    @Test func booleansNullAndExists() throws {
        let attributes = JSONObject([("after_hours", .bool(true)), ("note", .null)])
        let e = T.event(attributes: attributes)
        #expect(try T.matches("attributes.after_hours: true", e))
        #expect(!(try T.matches("attributes.after_hours: false", e)))
        #expect(try T.matches("attributes.note: null", e))
        #expect(try T.matches("attributes.missing: null", e))
        #expect(!(try T.matches("query: null", T.event(query: "x"))))
        #expect(try T.matches("query|exists: true", T.event(query: "x")))
        #expect(try T.matches("query|exists: false", T.event()))
        #expect(try T.matches("attributes.note|exists: false", e))
        #expect(!(try T.matches("query: ''", T.event())))
        #expect(try T.matches("query: ''", T.event(query: "")))
    }

    @Test func regularExpressions() throws {
        let e = T.event(query: "SSN 123-45-6789")
        #expect(try T.matches("query|re: '\\d{3}-\\d{2}-\\d{4}'", e))
        #expect(!(try T.matches("query|re: '^ssn'", e)))
        #expect(try T.matches("query|re|i: '^ssn'", e))
        #expect(try T.matches("query|re|m: '^second'", T.event(query: "first\nsecond")))
        #expect(!(try T.matches("query|re: '^second'", T.event(query: "first\nsecond"))))
        #expect(try T.matches("query|re|s: 'first.second'", T.event(query: "first\nsecond")))
        #expect(try T.matches("rows|re: '^1\\d+$'", T.event(rows: 1234)))
        // Overlong values never match, whatever the pattern.
        let long = String(repeating: "a", count: 5000)
        #expect(!(try T.matches("query|re: 'a'", T.event(query: long))))
    }

    @Test func cidrNetworks() throws {
        #expect(try T.matches("actor.ip|cidr: 10.0.0.0/8", T.event(ip: "10.200.3.4")))
        #expect(!(try T.matches("actor.ip|cidr: 10.0.0.0/8", T.event(ip: "11.0.0.1"))))
        #expect(try T.matches("actor.ip|cidr: 172.16.0.0/12", T.event(ip: "172.31.255.255")))
        #expect(!(try T.matches("actor.ip|cidr: 172.16.0.0/12", T.event(ip: "172.32.0.0"))))
        #expect(try T.matches("actor.ip|cidr:\n    - 192.168.0.0/16\n    - 10.1.0.0/16", T.event(ip: "10.1.9.9")))
        #expect(try T.matches("actor.ip|cidr: fd00::/8", T.event(ip: "fd12:3456::1")))
        #expect(try T.matches("actor.ip|cidr: 2001:db8::/32", T.event(ip: "2001:DB8:0:0:0:0:0:1")))
        #expect(!(try T.matches("actor.ip|cidr: 2001:db8::/32", T.event(ip: "2001:db9::1"))))
        #expect(!(try T.matches("actor.ip|cidr: 10.0.0.0/8", T.event(ip: "::ffff:10.0.0.1"))))
        #expect(try T.matches("actor.ip|cidr: ::ffff:0:0/96", T.event(ip: "::ffff:10.0.0.1")))
        #expect(!(try T.matches("actor.ip|cidr: 10.0.0.0/8", T.event(ip: "not an ip"))))
        #expect(try T.matches("actor.ip|cidr: 0.0.0.0/0", T.event(ip: "8.8.8.8")))
    }

    /// IPv4 addresses are read without allocating: exactly the dotted quads the general parser accepts.
    @Test(arguments: [
        ("10.20.1.2", true), ("010.020.001.002", true), ("10.20.255.255", true), ("10.20.1.256", false),
        ("10.20.1", false), ("10.20.1.2.3", false), ("10.20..2", false), ("1000.20.1.2", false), (" 10.20.1.2", false),
        ("10.20.1.2/32", false), ("10.21.0.1", false), ("::ffff:10.20.1.2", false), ("10.20.1.+2", false),
        ("10.20.1.٣", false), ("", false), ("10.20.1.2.", false),
    ])
    func cidrReadsDottedQuadsExactly(address: String, inside: Bool) throws {
        #expect(try T.matches("actor.ip|cidr: 10.20.0.0/16", T.event(ip: address)) == inside)
        let valid = inside || address == "10.21.0.1"
        #expect(try T.matches("actor.ip|cidr: 0.0.0.0/0", T.event(ip: address)) == valid)
        #expect(
            try T.matches("actor.ip|cidr: 10.20.1.2/32", T.event(ip: address)) == (inside && address != "10.20.255.255")
        )
    }

    @Test func windowsDash() throws {
        let e = T.event(attributes: JSONObject([("command", .string("tool.exe /export all"))]))
        #expect(try T.matches("attributes.command|windash|contains: ' -export'", e))
        let enDash = T.event(attributes: JSONObject([("command", .string("tool.exe \u{2013}export all"))]))
        #expect(try T.matches("attributes.command|windash|contains: ' -export'", enDash))
        #expect(!(try T.matches("attributes.command|contains: ' -export'", e)))
    }

    @Test func notOfAnAbsentFieldIsTrue() throws {
        let text = T.rule("action: export", condition: "selection and not filter")
            .replacingFirst("    condition:", with: "    filter:\n        purpose.case|startswith: C-\n    condition:")
        let matcher = try RuleMatcher(rule: SigmaParser.parseRule(text, file: "n.yml"))
        #expect(matcher.matches(T.detectionEvent(T.event(action: "export"))))
        #expect(!matcher.matches(T.detectionEvent(T.event(action: "export", caseID: "C-1"))))
        #expect(matcher.matches(T.detectionEvent(T.event(action: "export", caseID: "X-1"))))
    }

    @Test func enrichmentFields() throws {
        let enrichment = JSONObject([
            ("subject_in_assigned_case", .bool(false)),
            ("peer", JSONValue.object(JSONObject([("rank", .integer(99))]))),
        ])
        let e = T.event(subjects: ["p-1"])
        #expect(try T.matches("enrichment.subject_in_assigned_case: false", e, enrichment: enrichment))
        #expect(try T.matches("enrichment.peer.rank|gte: 95", e, enrichment: enrichment))
        #expect(!(try T.matches("enrichment.subject_in_assigned_case: true", e, enrichment: enrichment)))
    }

    @Test func nestedAttributesAndDottedKeys() throws {
        let attributes = JSONObject([
            ("client", .object(JSONObject([("version", .string("2.1"))]))),
            ("http.method", .string("POST")),
            (
                "items",
                .array([.object(JSONObject([("name", .string("a"))])), .object(JSONObject([("name", .string("b"))]))])
            ),
        ])
        let e = T.event(attributes: attributes)
        #expect(try T.matches("attributes.client.version: '2.1'", e))
        #expect(try T.matches("attributes.http.method: post", e))
        #expect(try T.matches("attributes.items.name: b", e))
        #expect(!(try T.matches("attributes.items.name: c", e)))
    }

    @Test func fieldReferences() throws {
        let self1 = T.event(actor: "p-7", subjects: ["p-1", "P-7"])
        #expect(try T.matches("subjects|fieldref: actor.id", self1))
        #expect(!(try T.matches("subjects|fieldref: actor.id", T.event(actor: "p-9", subjects: ["p-1"]))))
    }

    @Test func storedEventsExposeSeq() throws {
        let stored = StoredEvent(seq: 42, received: Timestamp(millisecondsSinceEpoch: T.baseTime), event: T.event())
        let matcher = try T.matcher("seq|gte: 40")
        #expect(matcher.matches(DetectionEvent(stored: stored)))
    }
}

extension AccessEvent {
    /// The event with another actor name.
    func withName(_ name: String) -> AccessEvent {
        var copy = self
        copy.actor.name = name
        return copy
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

@Suite("Guards")
struct GuardTests {
    @Test(arguments: ["(a+)+$", "(x*)*", "((ab)+)+", "(\\d+){2,}"])
    func nestedQuantifiersAreRejected(_ pattern: String) {
        let text = TestSupport.rule("query|re: '\(pattern)'")
        #expect(throws: RuleError.self) { try SigmaParser.parseRule(text, file: "redos.yml") }
    }

    @Test(arguments: ["^a+b$", "(ab)+", "[(+)]+x", "\\(a+\\)+", "(foo|bar)\\d+"])
    func ordinaryPatternsAreAccepted(_ pattern: String) throws {
        _ = try SigmaParser.parseRule(TestSupport.rule("query|re: '\(pattern)'"), file: "ok.yml")
    }

    @Test(arguments: [
        ("::1", "::1/128", true), ("1::", "::/0", true), ("fe80::1%eth0", "fe80::/10", true),
        ("1:2:3:4:5:6:7:8", "1:2:3:4::/64", true), ("1:2:3:4:5:6:7:8:9", "::/0", false), ("1::2::3", "::/0", false),
        ("::ffff:1.2.3.4", "::ffff:1.2.0.0/112", true), ("12345::", "::/0", false), ("10.0.0.256", "0.0.0.0/0", false),
        ("10.0.0", "0.0.0.0/0", false), ("010.0.0.1", "10.0.0.0/8", true), ("+1.0.0.1", "0.0.0.0/0", false),
    ])
    func addressParsing(_ address: String, _ network: String, _ expected: Bool) throws {
        #expect(try TestSupport.matches("actor.ip|cidr: '\(network)'", TestSupport.event(ip: address)) == expected)
    }
}

@Suite("Negation and time parts")
struct NegationAndTimeTests {
    typealias T = TestSupport

    @Test func neqNegatesTheEntry() throws {
        #expect(try T.matches("action|neq: export", T.event(action: "view")))
        #expect(!(try T.matches("action|neq: export", T.event(action: "EXPORT"))))
        #expect(try T.matches("query|neq: x", T.event()))  // absent: not equal
        #expect(!(try T.matches("action|neq:\n    - view\n    - export", T.event(action: "view"))))
        #expect(try T.matches("query|contains|all|neq:\n    - a\n    - z", T.event(query: "abc")))
    }

    @Test func timeParts() throws {
        // 2026-11-23T02:08:41.000Z is a Monday in week 47 (%W).
        let event = AccessEvent(
            time: try Timestamp.parse("2026-11-23T02:08:41Z").get(),
            actor: Actor(id: "a"),
            action: "view",
            app: "casebook"
        )
        #expect(try T.matches("time|hour:\n    - 0\n    - 1\n    - 2", event))
        #expect(try T.matches("time|minute: 8", event))
        #expect(try T.matches("time|day: 23", event))
        #expect(try T.matches("time|week: 47", event))
        #expect(try T.matches("time|month: 11", event))
        #expect(try T.matches("time|year: 2026", event))
        #expect(!(try T.matches("time|hour: 3", event)))
        #expect(!(try T.matches("action|hour: 3", event)))  // not a timestamp
        #expect(throws: RuleError.self) { try T.matcher("time|hour: 'night'") }
        #expect(throws: RuleError.self) { try T.matcher("time|hour|gte: 3") }
    }

    @Test func longFlagNames() throws {
        #expect(try T.matches("query|re|ignorecase: '^SEL'", T.event(query: "select")))
        #expect(try T.matches("query|re|dotall: 'a.b'", T.event(query: "a\nb")))
        #expect(try T.matches("query|re|multiline: '^b'", T.event(query: "a\nb")))
    }
}
