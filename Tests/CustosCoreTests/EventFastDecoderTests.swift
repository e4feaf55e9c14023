import CustosTestKit
import Testing

@testable import CustosCore

/// The fast decoder may decline any input, but what it accepts must be exactly what the general path (JSONParser then
/// EventValidator) accepts, with the same event; and the batch decoder must answer the same with and without it.
@Suite("Fast event decoding")
struct EventFastDecoderTests {
    static let designExample = #"""
        {"id": "evt-1", "time": "2026-11-23T14:03:11.250Z",
         "actor": {"id": "officer-4411", "name": "J. Doe", "roles": ["analyst"], "org": "fo/minneapolis",
                   "session": "s-9f2", "ip": "10.1.2.3", "device": "laptop-22"},
         "action": "search",
         "resource": {"type": "record", "id": "persons/123", "dataset": "persons", "labels": ["pii", "restricted"]},
         "subjects": ["person:123"], "query": "surname = 'Garcia'", "rows": 1200, "bytes": 340000,
         "purpose": {"case": "C-2024-0001", "reason": "warrant service"}, "outcome": "denied", "app": "casebook",
         "decision": "dec-1"}
        """#

    /// What the general path makes of `text`: the event, or nil when it refuses it.
    static func general(_ text: [UInt8], validator: EventValidator = EventValidator()) -> AccessEvent? {
        guard let value = try? JSONParser().parse(text), case .valid(let e) = validator.validate(value) else {
            return nil
        }
        return e
    }

    static func fast(_ text: [UInt8], validator: EventValidator = EventValidator()) -> AccessEvent? {
        text.withUnsafeBufferPointer { EventFastDecoder(validator).decode($0) }
    }

    @Test func readsTheDesignExampleLikeTheGeneralPath() throws {
        let text = Array(Self.designExample.utf8)
        let fast = try #require(Self.fast(text))
        #expect(fast == Self.general(text))
        #expect(fast.outcome == .denied && fast.rows == 1200 && fast.actor.roles == ["analyst"])
        #expect(fast.resource?.labels == ["pii", "restricted"] && fast.purpose?.reason == "warrant service")
    }

    @Test func readsEveryFixtureEventLikeTheGeneralPath() throws {
        var events = EventFixtures.numbered(50)
        events[3].attributes = JSONObject([("k", .integer(1))])
        events[4].subjects = (0..<300).map { "person:\($0)" }
        events[5].query = "naïve search für Müller"
        events[6].actor.name = "Zoë Ångström"
        for e in events {
            let text = Array(CanonicalJSON.encode(e.jsonValue))
            guard e.attributes == nil else {
                #expect(Self.fast(text) == nil)
                continue
            }
            let fast = try #require(Self.fast(text), "declined \(String(decoding: text, as: UTF8.self))")
            #expect(fast == e)
            #expect(Self.general(text) == fast)
        }
    }

    /// Inputs the general path accepts but the fast path leaves to it, and inputs both refuse.
    @Test(arguments: [
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","attributes":{"k":1}}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a\u0062"},"action":"login","app":"x"}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","rows":5.0}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","rows":5e2}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","rows":-0}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","app":"y"}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a","id":"b"},"action":"login","app":"x"}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","extra":1}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a","ip":"10.0.0.256"},"action":"login","app":"x"}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":""},"action":"login","app":"x"}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"custos.read","app":"x"}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"Login","app":"x"}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","rows":9007199254740992}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","rows":012}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","outcome":"ok"}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","subjects":[null]}"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x"} x"#,
        #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login"}"#,
        #"{"time":null,"actor":{"id":"a"},"action":"login","app":"x"}"#,
        #"[{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x"}]"#,
    ])
    func declinesWhatItDoesNotReadPlainly(_ text: String) {
        #expect(Self.fast(Array(text.utf8)) == nil)
    }

    @Test func acceptsNullsForOptionalMembersAsTheGeneralPathDoes() throws {
        let text = Array(
            #"""
            {"id":null,"time":"2026-11-23T14:03:11+02:00","actor":{"id":"a","name":null,"roles":null,"ip":"::1"},
             "action":"casebook.merge","resource":null,"subjects":[],"query":null,"rows":0,"bytes":null,
             "purpose":{"case":null},"outcome":null,"app":"x","decision":null}
            """#.utf8
        )
        let fast = try #require(Self.fast(text))
        #expect(fast == Self.general(text))
        #expect(fast.rows == 0 && fast.bytes == nil && fast.purpose == Purpose() && fast.actor.ip == "::1")
    }

    @Test func honoursTheValidatorsLimitsAndReservedActions() {
        var limits = EventLimits()
        limits.subjects = 2
        let tight = EventValidator(limits: limits)
        let three = Array(
            #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"login","app":"x","subjects":["1","2","3"]}"#
                .utf8
        )
        #expect(Self.fast(three) != nil)
        #expect(Self.fast(three, validator: tight) == nil)
        let reserved = Array(
            #"{"time":"2026-11-23T14:03:11Z","actor":{"id":"a"},"action":"custos.read","app":"x"}"#.utf8
        )
        let custos = EventValidator(allowsReservedActions: true)
        #expect(Self.fast(reserved, validator: custos) == Self.general(reserved, validator: custos))
        #expect(Self.fast(reserved, validator: custos) != nil)
    }

    /// Random events, then random damage to their text: whatever the fast path accepts, the general path accepts as
    /// the same event; and the fast path does read most of the undamaged ones.
    @Test func neverAcceptsWhatTheGeneralPathRefusesOrReadsItDifferently() {
        var random = SplitMix64(seed: 0xFA57)
        var acceptedPlain = 0
        var acceptedDamaged = 0
        let rounds = 3000
        for round in 0..<rounds {
            var text = Array(RandomEventText.make(&random).utf8)
            if round % 2 == 1 { RandomEventText.damage(&text, &random) }
            guard let fast = Self.fast(text) else { continue }
            let general = Self.general(text)
            #expect(general == fast, "\(String(decoding: text, as: UTF8.self))")
            if round % 2 == 0 { acceptedPlain += 1 } else { acceptedDamaged += 1 }
        }
        // Most plain events take the fast path (half of them are valid in every member), and damaged ones reach it
        // too.
        #expect(acceptedPlain > rounds / 5)
        #expect(acceptedDamaged > 20)
    }

    /// Whole batches, both framings: the decoder answers the same with and without the fast path — events, issues,
    /// counts.
    @Test func batchesDecodeTheSameWithAndWithoutTheFastPath() {
        var random = SplitMix64(seed: 0xBA7C)
        var general = EventBatchDecoder(maximumEvents: 6)
        general.usesFastPath = false
        let fast = EventBatchDecoder(maximumEvents: 6)
        for _ in 0..<600 {
            let count = Int.random(in: 0...7, using: &random)
            var lines = (0..<count).map { _ in Array(RandomEventText.make(&random).utf8) }
            if !lines.isEmpty, Bool.random(using: &random) {
                RandomEventText.damage(&lines[Int.random(in: 0..<lines.count, using: &random)], &random)
            }
            if lines.count > 1, Int.random(in: 0..<4, using: &random) == 0 { lines[1] = lines[0] }
            let ndjson = Array(lines.joined(separator: [0x0A]))
            #expect(fast.decode(ndjson, framing: .ndjson) == general.decode(ndjson, framing: .ndjson))
            let array = [UInt8(ascii: "[")] + Array(lines.joined(separator: [UInt8(ascii: ",")])) + [UInt8(ascii: "]")]
            #expect(fast.decode(array, framing: .json) == general.decode(array, framing: .json))
            if let first = lines.first {
                #expect(fast.decode(first, framing: .json) == general.decode(first, framing: .json))
            }
        }
    }
}

/// Random event texts near the schema: half of them valid in every member (with nulls, non-ASCII text and any
/// member order), the other half also with wrong types, broken limits, escapes, unknown members, duplicates and odd
/// numbers.
enum RandomEventText {
    static func make(_ r: inout SplitMix64) -> String {
        let noisy = Bool.random(using: &r)
        var members: [String] = []
        func maybe(_ p: Int = 2) -> Bool { Int.random(in: 0..<p, using: &r) != 0 }
        /// True, one time in `p`, for a noisy event only.
        func bad(_ p: Int) -> Bool { noisy && Int.random(in: 0..<p, using: &r) == 0 }
        func pick(_ options: [String]) -> String { options[Int.random(in: 0..<options.count, using: &r)] }
        let good = [
            #""a""#, #""officer-4411""#, #""s-9f2""#, #""fo/x""#, #""é""#, #""Zoë Ångström""#, #""persons/123""#,
        ]
        let wrong = [
            #""""#, #""x\"y""#, #""\u00e9""#, #""\u0007""#, "\"\u{7F}\"", "1", "[]", "{}", "true",
            "\"" + String(repeating: "z", count: 257) + "\"",
        ]
        func string() -> String { bad(3) ? pick(wrong) : pick(good) }
        func optional() -> String { maybe(8) ? string() : "null" }
        func list() -> String {
            if bad(4) { return pick([#""a""#, "[null]", "[1]", "{}"]) }
            if !maybe(8) { return "null" }
            return "[" + (0..<Int.random(in: 0...3, using: &r)).map { _ in string() }.joined(separator: ",") + "]"
        }
        func number() -> String {
            if bad(3) { return pick(["-1", "5.0", "1e3", "012", "9007199254740992", #""7""#, "-0", "1.5"]) }
            return pick([String(Int.random(in: 0...100_000, using: &r)), "0", "9007199254740991", "null"])
        }
        let time =
            bad(4)
            ? pick([#""2026-02-30T00:00:00Z""#, "null", "5", #""2026-11-23""#])
            : pick([#""2026-11-23T14:03:11.250Z""#, #""2026-11-23T14:03:11+01:00""#, #""2026-11-23t14:03:11z""#])
        members.append(#""time":"# + time)
        if bad(10) {
            members.append(#""actor":"# + pick(["null", #""a""#, "{}"]))
        } else {
            var actor = [#""id":"# + (bad(3) ? string() : #""officer-1""#)]
            if maybe() { actor.append(#""name":"# + optional()) }
            if maybe() { actor.append(#""roles":"# + list()) }
            if maybe() { actor.append(#""session":"# + optional()) }
            if maybe() {
                actor.append(
                    #""ip":"#
                        + (bad(3)
                            ? pick([#""1.2.3""#, #""x""#, #""01.2.3.4""#])
                            : pick([#""10.1.2.3""#, #""::1""#, #""fe80::1""#, "null"]))
                )
            }
            if maybe(3) { actor.append(#""org":"# + optional()) }
            if maybe(3) { actor.append(#""device":"# + optional()) }
            if bad(10) { actor.append(#""unknown":1"#) }
            if bad(10) { actor.append(actor[0]) }
            actor.shuffle(using: &r)
            members.append(#""actor":{"# + actor.joined(separator: ",") + "}")
        }
        let action =
            bad(4)
            ? pick([#""Search""#, #""custos.read""#, #"".x""#, "null", "1", #""a.""#])
            : pick([#""search""#, #""view""#, #""casebook.merge""#])
        members.append(#""action":"# + action)
        if !bad(10) { members.append(#""app":"# + (bad(3) ? string() : #""casebook""#)) }
        if maybe() { members.append(#""id":"# + optional()) }
        if maybe() {
            var resource: [String] = []
            if maybe() { resource.append(#""dataset":"# + optional()) }
            if maybe() { resource.append(#""id":"# + optional()) }
            if maybe() { resource.append(#""type":"# + optional()) }
            if maybe() { resource.append(#""labels":"# + list()) }
            if bad(10) { resource.append(#""other":"x""#) }
            members.append(
                #""resource":"# + (bad(10) ? "[]" : maybe(10) ? "{" + resource.joined(separator: ",") + "}" : "null")
            )
        }
        if maybe() { members.append(#""subjects":"# + list()) }
        if maybe(3) {
            members.append(
                #""query":"#
                    + (bad(3)
                        ? pick(["3", "\"\u{7F}\"", #""a\tb""#])
                        : pick([#""surname = 'Garcia'""#, "null", #""Müller""#]))
            )
        }
        if maybe() { members.append(#""rows":"# + number()) }
        if maybe(3) { members.append(#""bytes":"# + number()) }
        if maybe(3) {
            var purpose: [String] = []
            if maybe() { purpose.append(#""case":"# + optional()) }
            if maybe() {
                purpose.append(#""reason":"# + (bad(3) ? pick(["1", #""a\nb""#]) : pick([#""warrant""#, "null"])))
            }
            if bad(10) { purpose.append(#""why":"x""#) }
            members.append(#""purpose":"# + (maybe(10) ? "{" + purpose.joined(separator: ",") + "}" : "null"))
        }
        if maybe(3) {
            members.append(
                #""outcome":"#
                    + (bad(3) ? pick([#""ok""#, "0"]) : pick([#""success""#, #""denied""#, #""failure""#, "null"]))
            )
        }
        if maybe(4) { members.append(#""decision":"# + optional()) }
        if bad(5) { members.append(#""attributes":"# + pick(["{}", #"{"k":[1,2]}"#, "null", "1"])) }
        if bad(15) { members.append(#""stray":true"#) }
        if bad(15) { members.append(members[0]) }
        members.shuffle(using: &r)
        return "{" + members.joined(separator: pick([",", " , ", ",\n\t"])) + "}" + pick(["", " ", "\r", "\t "])
    }

    /// Replaces, inserts or removes a few random bytes.
    static func damage(_ text: inout [UInt8], _ r: inout SplitMix64) {
        let alphabet = Array(#"{}[]":,\ 0123456789.-eEnulltrfaxé"#.utf8) + [0x00, 0x0A, 0x7F, 0xFF, 0xC3]
        for _ in 0..<Int.random(in: 1...3, using: &r) {
            guard !text.isEmpty else { return }
            let at = Int.random(in: 0..<text.count, using: &r)
            let byte = alphabet[Int.random(in: 0..<alphabet.count, using: &r)]
            switch Int.random(in: 0..<3, using: &r) {
            case 0: text[at] = byte
            case 1: text.insert(byte, at: at)
            default: text.remove(at: at)
            }
        }
    }
}
