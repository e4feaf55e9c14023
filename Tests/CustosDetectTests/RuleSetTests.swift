import CustosCore
import CustosDetect
import Foundation
import Testing

@Suite("Rule sets and the detection engine")
struct RuleSetTests {
    typealias T = TestSupport

    /// The example rule pack in Fixtures/rules, as file name → text.
    static func fixtureRules() throws -> [String: String] {
        let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/rules")
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".yml") {
            files[name] = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        return files
    }

    @Test func collectsEveryErrorWithItsFile() {
        let files = [
            "a_good.yml": T.rule("action: export"),
            "b_bad_modifier.yml": T.rule("action|sometimes: export"),
            "c_bad_yaml.yml": "title: [\n",
            "d_duplicate.yml": T.rule("action: view"),  // same id as a_good.yml
            "e_good.yml": T.rule("action: view").replacingOccurrences(of: "11111111-", with: "22222222-"),
        ]
        let set = RuleSet(files: files)
        #expect(set.rules.map(\.metadata.title) == ["Test rule", "Test rule"])
        #expect(set.errors.map(\.file) == ["b_bad_modifier.yml", "c_bad_yaml.yml", "d_duplicate.yml"])
        #expect(set.errors[0].line == 7)
        #expect(set.errors[2].message.contains("already used at a_good.yml:1:1"))
    }

    @Test func fixturePackLoads() throws {
        let set = RuleSet(files: try Self.fixtureRules())
        #expect(set.errors.isEmpty, "\(set.errors)")
        #expect(set.rules.count == 7)
        #expect(set.correlations.count == 4)
    }

    @Test func scenarioProducesExplainedFindings() throws {
        var engine = try DetectionEngine(ruleSet: RuleSet(files: try Self.fixtureRules()))
        var events: [DetectionEvent] = []
        func add(_ event: AccessEvent, enrichment: JSONObject = JSONObject()) {
            events.append(T.detectionEvent(event, seq: Int64(events.count), enrichment: enrichment))
        }
        // Bulk export: 48,200 rows of persons in 20 minutes.
        add(T.event(at: 0, actor: "officer-4411", action: "export", rows: 20_000))
        add(T.event(at: 1200, actor: "officer-4411", action: "export", rows: 28_200))
        // A service account exporting is filtered out.
        add(T.event(at: 1210, actor: "etl", roles: ["service"], action: "export", rows: 90_000))
        // Fishing: 20 people outside the actor's cases.
        let uncased = JSONObject([("subject_in_assigned_case", .bool(false))])
        for i in 0..<20 {
            add(T.event(at: 1300 + Int64(i) * 30, actor: "officer-7", subjects: ["p-\(i)"]), enrichment: uncased)
        }
        // A VIP lookup without a case, and one with a case.
        add(T.event(at: 2000, actor: "officer-9", action: "view", labels: ["vip"]))
        add(T.event(at: 2010, actor: "officer-9", action: "view", labels: ["vip"], caseID: "C-1"))
        // Probing: five denials, then restricted data.
        for i in 0..<5 { add(T.event(at: 2100 + Int64(i), actor: "officer-13", action: "view", outcome: .denied)) }
        add(T.event(at: 2400, actor: "officer-13", action: "view", labels: ["restricted"]))
        // Self lookup.
        let own = JSONObject([("actor_person_id", .string("p-500"))])
        add(T.event(at: 2500, actor: "officer-21", action: "view", subjects: ["p-500"], attributes: own))
        // Off-site admin export (public address), and an on-site one.
        add(T.event(at: 2600, actor: "admin-1", roles: ["sysadmin"], ip: "8.8.8.8", action: "export", dataset: "logs"))
        add(T.event(at: 2610, actor: "admin-1", roles: ["sysadmin"], ip: "10.0.0.1", action: "export", dataset: "logs"))

        var findings: [Finding] = []
        for event in events { findings += engine.process(event) }
        findings += engine.finish()
        let explanations = findings.map(\.explanation)
        #expect(explanations.contains("exported 48,200 rows of persons in 20 minutes"), "\(explanations)")
        #expect(explanations.contains("looked up 20 people outside their cases in 9 minutes 30 seconds") == false)
        #expect(explanations.contains("looked up 20 people outside their cases in 9 minutes"), "\(explanations)")
        #expect(explanations.contains("officer-21 looked up their own record (view)"), "\(explanations)")
        let titles = findings.map(\.title)
        #expect(titles.filter { $0 == "Lookup of a protected person" }.count == 1)
        #expect(titles.contains("Repeated denials"))
        #expect(titles.contains("Probing followed by restricted access"))
        #expect(titles.filter { $0 == "Off-site administrative export" }.count == 1)
        // Rules that only feed correlations produce no findings of their own.
        #expect(!titles.contains("Export from a people dataset"))
        #expect(!titles.contains("Denied access"))
        let probing = try #require(findings.first { $0.title == "Probing followed by restricted access" })
        #expect(probing.evidence.count == 6)
        #expect(probing.group == [GroupValue(field: "actor.id", value: "officer-13")])
        let bulk = try #require(findings.first { $0.title == "Bulk export of people" })
        #expect(bulk.evidence.map(\.index) == [0, 1])
        #expect(bulk.level == "high")
    }

    @Test func defaultExplanations() throws {
        let rules = """
            title: Export
            name: export
            detection:
                sel:
                    action: export
                condition: sel
            ---
            title: Many exports
            correlation:
                type: event_count
                rules: export
                group-by: actor.id
                timespan: 2h
                condition:
                    gte: 1200
            """
        var engine = try DetectionEngine(ruleSet: RuleSet(files: ["r.yml": rules]))
        var findings: [Finding] = []
        for i in 0..<1200 {
            findings += engine.process(T.detectionEvent(T.event(at: Int64(i) * 5, action: "export")))
        }
        #expect(
            findings.map(\.explanation) == [
                "Many exports: 1,200 matching events for actor.id officer-1 within 1 hour 39 minutes"
            ]
        )
    }

    @Test func singleMatchExplanation() throws {
        var engine = try DetectionEngine(ruleSet: RuleSet(files: ["r.yml": T.rule("action: export")]))
        let findings = engine.process(T.detectionEvent(T.event(actor: "officer-5", action: "export")))
        #expect(findings.map(\.explanation) == ["Test rule: officer-5 export"])
        #expect(findings.first?.kind == .match)
        #expect(findings.first?.evidence == [EventReference(index: 0)])
    }

    @Test func templateFieldsTheEventLacksAreLeftOut() throws {
        let rule =
            T.rule("action: export") + "\nexplanation: '{actor.id} {action} {purpose.case} rows {rows} {nonsense!}'"
        var engine = try DetectionEngine(ruleSet: RuleSet(files: ["r.yml": rule]))
        let findings = engine.process(T.detectionEvent(T.event(actor: "officer-5", action: "export")))
        // purpose.case is absent: left out; a name that is no field path stays as written, for the rule's author.
        #expect(findings.map(\.explanation).first?.hasPrefix("officer-5 export rows ") == true)
        #expect(findings.map(\.explanation).first?.hasSuffix(" {nonsense!}") == true)
        #expect(findings.map(\.explanation).first?.contains("{purpose.case}") == false)
    }

    @Test func extremeTimesDoNotTrap() throws {
        let rules = """
            title: Export
            name: export
            detection:
                sel:
                    action: export
                condition: sel
            ---
            title: Rare exports
            correlation:
                type: event_count
                rules: export
                timespan: 1000000w
                condition:
                    lt: 3
            ---
            title: Many exports
            correlation:
                type: event_count
                rules: export
                timespan: 1000000w
                condition:
                    gte: 2
            """
        var engine = try DetectionEngine(ruleSet: RuleSet(files: ["r.yml": rules]))
        let fields = T.event(action: "export").jsonValue.objectValue ?? JSONObject()
        for ms in [Int64.max, Int64.min, 0, Int64.max - 1, Int64.min + 1] {
            _ = engine.process(DetectionEvent(fields: fields, time: Timestamp(millisecondsSinceEpoch: ms)))
        }
        _ = engine.finish()
    }
}
