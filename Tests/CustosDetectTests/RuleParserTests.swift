import CustosCore
import CustosDetect
import Testing

@Suite("Parsing Sigma rules")
struct RuleParserTests {
    @Test func parsesMetadataSelectionsAndCondition() throws {
        let text = """
            title: Bulk export of persons
            id: 5d1e6a7c-0000-4000-8000-000000000001
            name: bulk_export
            status: experimental
            description: Someone exported many rows.
            author: Custos
            tags:
                - custos.exfiltration
                - attack.t1530
            logsource:
                product: custos
                category: access
            detection:
                selection:
                    action: export
                    rows|gte: 1000
                filter_admins:
                    actor.roles|contains: admin
                condition: selection and not filter_admins
            falsepositives:
                - Scheduled reports
            level: high
            """
        let documents = try SigmaParser.parseDocuments(text, file: "bulk.yml")
        #expect(documents.count == 1)
        guard case .rule(let rule) = documents[0] else {
            Issue.record("expected a detection rule")
            return
        }
        #expect(rule.metadata.title == "Bulk export of persons")
        #expect(rule.metadata.name == "bulk_export")
        #expect(rule.metadata.status == "experimental")
        #expect(rule.metadata.level == "high")
        #expect(rule.metadata.tags == ["custos.exfiltration", "attack.t1530"])
        #expect(rule.metadata.falsePositives == ["Scheduled reports"])
        #expect(rule.logSource.category == "access")
        #expect(rule.selections.map(\.name) == ["selection", "filter_admins"])
        #expect(rule.selections[0].alternatives[0].count == 2)
        #expect(rule.selections[0].alternatives[0][1].field == "rows")
        #expect(rule.selections[0].alternatives[0][1].modifiers == [.gte])
        #expect(rule.selections[0].alternatives[0][1].values == [.integer(1000)])
        #expect(rule.selections[0].alternatives[0][1].location.line == 16)
        #expect(rule.conditions == [.and([.selection("selection"), .not(.selection("filter_admins"))])])
    }

    @Test func readsValueTypesAsYAMLDoes() throws {
        let rule = try SigmaParser.parseRule(
            TestSupport.rule(
                """
                a: 12
                b: '12'
                c: 1.5
                d: true
                e: null
                f: ~
                g: "yes"
                h:
                    - x
                    - 3
                """
            ),
            file: "types.yml"
        )
        let values = rule.selections[0].alternatives[0].map(\.values)
        #expect(values[0] == [.integer(12)])
        #expect(values[1] == [.string("12")])
        #expect(values[2] == [.double(1.5)])
        #expect(values[3] == [.bool(true)])
        #expect(values[4] == [.null])
        #expect(values[5] == [.null])
        #expect(values[6] == [.string("yes")])
        #expect(values[7] == [.string("x"), .integer(3)])
    }

    @Test func listOfMapsIsAlternatives() throws {
        let text = """
            title: Alternatives
            detection:
                selection:
                    - action: export
                      rows|gt: 10
                    - action: print
                condition: selection
            """
        let rule = try SigmaParser.parseRule(text, file: "alt.yml")
        #expect(rule.selections[0].alternatives.count == 2)
        #expect(rule.selections[0].alternatives[0].count == 2)
    }

    @Test func parsesMultipleDocuments() throws {
        let text = """
            title: One
            name: one
            detection:
                sel:
                    action: view
                condition: sel
            ---
            title: Many
            correlation:
                type: event_count
                rules: one
                group-by: actor.id
                timespan: 10m
                condition:
                    gte: 5
            """
        let documents = try SigmaParser.parseDocuments(text, file: "multi.yml")
        #expect(documents.count == 2)
        guard case .correlation(let correlation) = documents[1] else {
            Issue.record("expected a correlation")
            return
        }
        #expect(correlation.type == .eventCount)
        #expect(correlation.rules == ["one"])
        #expect(correlation.groupBy == ["actor.id"])
        #expect(correlation.timespanMilliseconds == 600_000)
        #expect(correlation.condition?.bounds == [.init(.gte, 5)])
    }

    struct BadRule: Sendable, CustomStringConvertible {
        let name: String
        let text: String
        let line: Int?
        let fragment: String
        var description: String { name }
    }

    static let badRules: [BadRule] = [
        BadRule(
            name: "no title",
            text: "detection:\n    s:\n        a: 1\n    condition: s\n",
            line: 1,
            fragment: "no 'title'"
        ),
        BadRule(
            name: "unknown modifier",
            text: "title: t\ndetection:\n    s:\n        a|base65: 1\n    condition: s\n",
            line: 4,
            fragment: "'base65'"
        ),
        BadRule(
            name: "unsupported modifier",
            text: "title: t\ndetection:\n    s:\n        a|base64: x\n    condition: s\n",
            line: 4,
            fragment: "not supported"
        ),
        BadRule(
            name: "unknown selection",
            text: "title: t\ndetection:\n    s:\n        a: 1\n    condition: s and t\n",
            line: 5,
            fragment: "refers to 't'"
        ),
        BadRule(
            name: "condition syntax",
            text: "title: t\ndetection:\n    s:\n        a: 1\n    condition: s and (s or\n",
            line: 5,
            fragment: "condition ended"
        ),
        BadRule(
            name: "bad regex",
            text: "title: t\ndetection:\n    s:\n        a|re: '(unclosed'\n    condition: s\n",
            line: 4,
            fragment: "regular expression"
        ),
        BadRule(
            name: "bad cidr",
            text: "title: t\ndetection:\n    s:\n        ip|cidr: 10.0.0.0/33\n    condition: s\n",
            line: 4,
            fragment: "CIDR"
        ),
        BadRule(
            name: "gt with string",
            text: "title: t\ndetection:\n    s:\n        rows|gt: many\n    condition: s\n",
            line: 4,
            fragment: "compares with a number"
        ),
        BadRule(
            name: "keyword selection",
            text: "title: t\ndetection:\n    keywords:\n        - secret\n    condition: keywords\n",
            line: 4,
            fragment: "keyword"
        ),
        BadRule(
            name: "no condition",
            text: "title: t\ndetection:\n    s:\n        a: 1\n",
            line: 3,
            fragment: "no 'condition'"
        ),
        BadRule(
            name: "duplicate key",
            text: "title: t\ndetection:\n    s:\n        a: 1\n        a: 2\n    condition: s\n",
            line: 4,
            fragment: "duplicate key 'a'"
        ),
        BadRule(name: "YAML syntax", text: "title: t\ndetection: [unclosed\n", line: 3, fragment: "invalid YAML"),
        BadRule(
            name: "bad level",
            text: "title: t\nlevel: severe\ndetection:\n    s:\n        a: 1\n    condition: s\n",
            line: 2,
            fragment: "unknown level"
        ),
        BadRule(
            name: "contains and endswith",
            text: "title: t\ndetection:\n    s:\n        a|contains|endswith: x\n    condition: s\n",
            line: 4,
            fragment: "cannot be combined"
        ),
        BadRule(
            name: "quantifier without match",
            text: "title: t\ndetection:\n    s:\n        a: 1\n    condition: 1 of filter_*\n",
            line: 5,
            fragment: "matches no selection"
        ),
        BadRule(
            name: "not a mapping",
            text: "- just\n- a list\n",
            line: 1,
            fragment: "must be a mapping"
        ),
        BadRule(
            name: "empty value list",
            text: "title: t\ndetection:\n    s:\n        a: []\n    condition: s\n",
            line: 4,
            fragment: "empty list"
        ),
        BadRule(
            name: "correlation without timespan",
            text: "title: c\ncorrelation:\n    type: event_count\n    rules: x\n    condition:\n        gte: 3\n",
            line: 3,
            fragment: "no 'timespan'"
        ),
        BadRule(
            name: "correlation bad type",
            text: "title: c\ncorrelation:\n    type: event_sum\n    rules: x\n    timespan: 1h\n",
            line: 3,
            fragment: "unknown correlation type"
        ),
        BadRule(
            name: "value_sum without field",
            text:
                "title: c\ncorrelation:\n    type: value_sum\n    rules: x\n    timespan: 1h\n    condition:\n"
                + "        gt: 3\n",
            line: 7,
            fragment: "needs a 'field'"
        ),
        BadRule(
            name: "bad timespan",
            text: "title: c\ncorrelation:\n    type: temporal\n    rules: [a, b]\n    timespan: 1 hour\n",
            line: 5,
            fragment: "not a timespan"
        ),
    ]

    @Test(arguments: badRules)
    func reportsFileLineAndProblem(_ bad: BadRule) {
        do {
            _ = try SigmaParser.parseDocuments(bad.text, file: "bad.yml")
            Issue.record("\(bad.name): expected an error")
        } catch {
            #expect(error.file == "bad.yml")
            #expect(error.line == bad.line, "\(bad.name): \(error)")
            #expect(error.message.contains(bad.fragment), "\(bad.name): \(error)")
            #expect(error.description.hasPrefix("bad.yml:"))
        }
    }

    @Test func conditionErrorPointsAtTheColumn() {
        let text = "title: t\ndetection:\n    s:\n        a: 1\n    condition: s and and s\n"
        do {
            _ = try SigmaParser.parseDocuments(text, file: "c.yml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 5)
            #expect(error.column == 22)  // the second 'and'
            #expect(error.message.contains("'and'"))
        }
    }

    @Test func neverTrapsOnGarbage() {
        var generator = SplitMix64(seed: 42)
        let alphabet = Array("title: detection:\n  -|*?\\'\"{}[]&*!%@`#condition: sel and not 1 of them ()\t:,x0.5")
        for _ in 0..<300 {
            let length = Int(generator.next() % 200)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            _ = try? SigmaParser.parseDocuments(text, file: "fuzz.yml")
        }
        // Mutations of a valid rule.
        let valid = TestSupport.rule("action|contains|all:\n    - exp\n    - ort\nrows|gte: 5")
        let bytes = Array(valid.utf8)
        for _ in 0..<300 {
            var mutated = bytes
            for _ in 0..<3 {
                let i = Int(generator.next() % UInt64(mutated.count))
                mutated[i] = UInt8(truncatingIfNeeded: generator.next() % 128)
            }
            if let rule = try? SigmaParser.parseRule(String(decoding: mutated, as: UTF8.self), file: "m.yml"),
                let matcher = try? RuleMatcher(rule: rule)
            {
                _ = matcher.matches(TestSupport.detectionEvent(TestSupport.event(rows: 10)))
            }
        }
    }

    @Test func boundsAliasExpansionAndRejectsCollections() {
        var bomb = "title: t\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<8 {
            let previous = "*a\(level - 1)"
            bomb += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        bomb += "detection:\n    s:\n        a: 1\n    condition: s\n"
        #expect(throws: RuleError.self) { try SigmaParser.parseDocuments(bomb, file: "bomb.yml") }
        let global = "action: global\ntitle: t\n"
        #expect(throws: RuleError.self) { try SigmaParser.parseDocuments(global, file: "g.yml") }
    }
}
