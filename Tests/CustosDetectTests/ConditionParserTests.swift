import CustosDetect
import Testing

@Suite("Condition grammar")
struct ConditionParserTests {
    @Test func andBindsTighterThanOr() throws {
        #expect(
            try ConditionParser.parse("a or b and c")
                == .or([.selection("a"), .and([.selection("b"), .selection("c")])])
        )
        #expect(
            try ConditionParser.parse("a and b or c")
                == .or([.and([.selection("a"), .selection("b")]), .selection("c")])
        )
    }

    @Test func notBindsTighterThanAnd() throws {
        #expect(try ConditionParser.parse("not a and b") == .and([.not(.selection("a")), .selection("b")]))
        #expect(try ConditionParser.parse("not not a") == .not(.not(.selection("a"))))
    }

    @Test func parenthesesGroup() throws {
        #expect(
            try ConditionParser.parse("(a or b) and c")
                == .and([.or([.selection("a"), .selection("b")]), .selection("c")])
        )
        #expect(try ConditionParser.parse("not (a or b)") == .not(.or([.selection("a"), .selection("b")])))
    }

    @Test func quantifiers() throws {
        #expect(try ConditionParser.parse("1 of selection_*") == .quantified(.one, .names("selection_*")))
        #expect(try ConditionParser.parse("all of them") == .quantified(.all, .them))
        #expect(
            try ConditionParser.parse("ALL OF them and not 1 of filter*")
                == .and([.quantified(.all, .them), .not(.quantified(.one, .names("filter*")))])
        )
    }

    @Test(arguments: [
        ("a and", 6, "condition ended"),
        ("(a or b", 8, "expected ')'"),
        ("a b", 3, "unexpected 'b'"),
        ("2 of them", 1, "quantifier"),
        ("1 of", 5, "after '1 of'"),
        ("sel*", 1, "wildcard"),
        ("a & b", 3, "unexpected character"),
        (") a", 1, "found ')'"),
        ("", 1, "condition ended"),
    ])
    func reportsColumn(_ text: String, _ column: Int, _ fragment: String) {
        do {
            _ = try ConditionParser.parse(text)
            Issue.record("expected an error for '\(text)'")
        } catch {
            #expect(error.column == column, "'\(text)': \(error.message)")
            #expect(error.message.contains(fragment), "'\(text)': \(error.message)")
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "(", count: 500) + "a" + String(repeating: ")", count: 500)
        #expect(throws: ConditionParser.Failure.self) { try ConditionParser.parse(text) }
        let nots = String(repeating: "not ", count: 500) + "a"
        #expect(throws: ConditionParser.Failure.self) { try ConditionParser.parse(nots) }
    }

    @Test func quantifiersOverSelections() throws {
        let text = """
            title: q
            detection:
                sel_export:
                    action: export
                sel_big:
                    rows|gte: 100
                _helper:
                    action: view
                condition: all of sel_* or 1 of them and not 1 of them
            """
        let matcher = try RuleMatcher(rule: SigmaParser.parseRule(text, file: "q.yml"))
        #expect(matcher.matches(TestSupport.detectionEvent(TestSupport.event(action: "export", rows: 500))))
        #expect(!matcher.matches(TestSupport.detectionEvent(TestSupport.event(action: "export", rows: 5))))
        // `them` excludes names starting with `_`.
        let them = """
            title: q
            detection:
                sel_a:
                    action: export
                _helper:
                    action: view
                condition: 1 of them
            """
        let themMatcher = try RuleMatcher(rule: SigmaParser.parseRule(them, file: "q.yml"))
        #expect(!themMatcher.matches(TestSupport.detectionEvent(TestSupport.event(action: "view"))))
        #expect(themMatcher.matches(TestSupport.detectionEvent(TestSupport.event(action: "export"))))
    }
}
