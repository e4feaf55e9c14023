import CustosCore
import CustosDetect
import Testing

/// `RuleSet.matchingRules` skips rules whose literal equalities an event cannot meet; the result must be exactly that
/// of running every rule, whatever the condition's shape and the event's value types.
@Suite("Rule prefilter")
struct RulePrefilterTests {
    /// Every rule's own verdict: the reference the prefiltered result must equal.
    static func everyRule(_ set: RuleSet, _ event: DetectionEvent) -> [Int] {
        set.matchers.indices.filter { set.matchers[$0].matches(event) }
    }

    static func rule(_ name: String, _ detection: String) -> (String, String) {
        (
            name + ".yml",
            """
            title: \(name)
            name: \(name)
            logsource:
                product: custos
            detection:
            \(detection)
            """
        )
    }

    static let tricky: [String: String] = Dictionary(uniqueKeysWithValues: [
        rule("plain", "    selection:\n        action: view\n    condition: selection"),
        rule("negated", "    selection:\n        action: view\n    condition: not selection"),
        rule("cased", "    selection:\n        action|cased: View\n    condition: selection"),
        rule("wildcard", "    selection:\n        action: 'vi*'\n    condition: selection"),
        rule(
            "list",
            "    selection:\n        action:\n            - view\n            - export\n    condition: selection"
        ),
        rule(
            "alternatives",
            "    selection:\n        - action: view\n        - outcome: denied\n    condition: selection"
        ),
        rule(
            "same_field_alternatives",
            "    selection:\n        - action: view\n        - action: print\n    condition: selection"
        ),
        rule(
            "either",
            "    a:\n        action: view\n    b:\n        resource.dataset: cases\n    condition: a or b"
        ),
        rule(
            "both",
            "    a:\n        action: view\n    b:\n        resource.dataset: persons\n    condition: all of them"
        ),
        rule(
            "filtered",
            "    a:\n        action: export\n    f:\n        actor.roles: service\n    condition: a and not f"
        ),
        rule("roles", "    selection:\n        actor.roles: supervisor\n    condition: selection"),
        rule("numeric_text", "    selection:\n        action: '4625'\n    condition: selection"),
        rule(
            "impossible",
            "    selection:\n        action: view\n        action|cased: print\n    condition: selection"
        ),
        rule("one_of", "    s1:\n        action: login\n    s2:\n        app: sso\n    condition: 1 of s*"),
    ])

    @Test func trickyRulesGiveExactlyTheUnfilteredResult() throws {
        let set = RuleSet(files: Self.tricky)
        #expect(set.errors.isEmpty, "\(set.errors)")
        let actions: [JSONValue] = [
            .string("view"), .string("VIEW"), .string("View"), .string("export"), .string("print"), .string("login"),
            .string("vİew"), .integer(4625), .string("4625"), .null, .array([.string("view")]), .bool(true),
        ]
        var checked = 0
        for action in actions {
            for dataset in ["persons", "cases", nil] {
                for roles in [["officer"], ["service"], ["Supervisor", "officer"]] {
                    var fields = JSONObject([
                        (
                            "actor",
                            .object(JSONObject([("id", .string("a")), ("roles", .array(roles.map(JSONValue.string)))]))
                        ),
                        ("app", .string(action == .string("login") ? "sso" : "records")),
                        ("outcome", .string(dataset == nil ? "denied" : "success")),
                        ("action", action),
                    ])
                    if let dataset {
                        fields["resource"] = .object(JSONObject([("dataset", .string(dataset))]))
                    }
                    let event = DetectionEvent(fields: fields, time: Timestamp(millisecondsSinceEpoch: 0))
                    #expect(set.matchingRules(event) == Self.everyRule(set, event), "\(fields)")
                    checked += 1
                }
            }
        }
        #expect(checked == actions.count * 9)
        // The prefilter does not hide real matches: a view of a person matches plain, list, both and either.
        let view = DetectionEvent(
            fields: JSONObject([
                ("action", .string("VIEW")), ("resource", .object(JSONObject([("dataset", .string("persons"))]))),
            ]),
            time: Timestamp(millisecondsSinceEpoch: 0)
        )
        let names = Set(set.matchingRules(view).map { set.matchers[$0].rule.metadata.name ?? "" })
        #expect(names.isSuperset(of: ["plain", "list", "both", "either", "alternatives", "same_field_alternatives"]))
        #expect(!names.contains("impossible"))
        #expect(!names.contains("negated"))
    }

    /// Rules whose required conditions are not plain equalities (thresholds, `exists`, booleans, `contains`), under
    /// `or`, `not`, alternatives and `all of`: the second stage must drop only rules that cannot match.
    static let requiredConditions: [String: String] = Dictionary(uniqueKeysWithValues: [
        rule("threshold", "    selection:\n        rows|gt: 100\n    condition: selection"),
        rule("threshold_negated", "    selection:\n        rows|gt: 100\n    condition: not selection"),
        rule(
            "threshold_either",
            "    a:\n        rows|gt: 100\n    b:\n        rows|gt: 100\n        action: view\n    condition: a or b"
        ),
        rule(
            "threshold_or_flag",
            "    a:\n        rows|gt: 100\n    b:\n        enrichment.flag: true\n    condition: a or b"
        ),
        rule(
            "threshold_alternatives",
            "    selection:\n        - rows|gt: 100\n          action: view\n        - rows|gt: 100\n"
                + "          outcome: denied\n    condition: selection"
        ),
        rule(
            "threshold_unless_flag",
            "    a:\n        rows|gte: 150\n    f:\n        enrichment.flag: true\n    condition: a and not f"
        ),
        rule("no_case", "    selection:\n        purpose.case|exists: false\n    condition: selection"),
        rule(
            "flag_and_query",
            "    a:\n        enrichment.flag: true\n    b:\n        query|contains: LIKE\n    condition: all of them"
        ),
        rule(
            "either_flag",
            "    s1:\n        enrichment.flag: true\n    s2:\n        rows|lt: 60\n    condition: 1 of s*"
        ),
    ])

    @Test func requiredConditionsGiveExactlyTheUnfilteredResult() throws {
        let set = RuleSet(files: Self.requiredConditions)
        #expect(set.errors.isEmpty, "\(set.errors)")
        let rows: [JSONValue?] = [nil, .integer(50), .integer(150), .string("150"), .double(1000.5), .null]
        let flags: [JSONValue?] = [nil, .bool(true), .bool(false), .string("true"), .integer(1)]
        var checked = 0
        var matched = 0
        for row in rows {
            for flag in flags {
                for action in ["view", "export"] {
                    for query in [nil, "name like 'A%'"] {
                        var fields = JSONObject([("action", .string(action)), ("outcome", .string("denied"))])
                        if let row { fields["rows"] = row }
                        if let query { fields["query"] = .string(query) }
                        var enrichment = JSONObject()
                        if let flag { enrichment["flag"] = flag }
                        let event = DetectionEvent(
                            fields: fields,
                            time: Timestamp(millisecondsSinceEpoch: 0),
                            enrichment: enrichment
                        )
                        let expected = Self.everyRule(set, event)
                        #expect(set.matchingRules(event) == expected, "\(fields) \(enrichment)")
                        matched += expected.count
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == rows.count * flags.count * 4)
        #expect(matched > checked)
    }

    @Test func generatedRulesAndPackGiveExactlyTheUnfilteredResult() throws {
        let files = BenchmarkRuleGenerator(seed: 3).files(count: 200).merging(try RulePackTests.packFiles()) { a, _ in a
        }
        let set = RuleSet(files: files)
        #expect(set.errors.isEmpty)
        var random = SplitMix64(seed: 17)
        var matches = 0
        for i in 0..<3000 {
            let event = TestSupport.event(
                at: Int64(i),
                actor: ["officer-0013", "clerk-0002", "svc-records-sync"][Int(random.next() % 3)],
                roles: [["officer"], ["records-clerk"], ["service"], ["supervisor", "officer"]][Int(random.next() % 4)],
                ip: "10.2\(random.next() % 6).1.\(random.next() % 200)",
                action: ["search", "view", "export", "print", "login", "VIEW", "update"][Int(random.next() % 7)],
                dataset: ["persons", "cases", "vehicles", nil][Int(random.next() % 4)],
                labels: [["pii"], ["restricted", "pii"], [], ["case"]][Int(random.next() % 4)],
                subjects: random.next() % 2 == 0 ? ["person:\(random.next() % 2000)"] : [],
                query: random.next() % 3 == 0 ? "SELECT * FROM persons WHERE surname LIKE 'A%'" : nil,
                rows: Int64(random.next() % 20_000),
                caseID: random.next() % 2 == 0 ? "C-2026-0001" : nil,
                outcome: random.next() % 10 == 0 ? .denied : .success
            )
            let enrichment = JSONObject([
                ("local_hour", .integer(Int64(random.next() % 24))),
                ("subject_watchlisted", .bool(random.next() % 10 == 0)),
            ])
            let detection = DetectionEvent(event: event, seq: Int64(i), enrichment: enrichment)
            let expected = Self.everyRule(set, detection)
            #expect(set.matchingRules(detection) == expected)
            matches += expected.count
        }
        #expect(matches > 0)
    }
}
