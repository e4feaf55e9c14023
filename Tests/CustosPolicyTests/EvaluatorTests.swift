import CustosCore
import CustosPolicy
import Foundation
import Testing

@Suite struct EvaluatorTests {
    static let entitiesJSON = """
        [
          {"uid": {"type": "User", "id": "alice"}, "attrs": {"age": 30, "tags": ["a", "b"],
            "manager": {"__entity": {"type": "User", "id": "bob"}}, "address": {"city": "Oslo"}},
            "parents": [{"type": "Group", "id": "staff"}], "tags": {"clearance": "secret"}},
          {"uid": {"type": "User", "id": "bob"}, "attrs": {}, "parents": []},
          {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": [{"type": "Group", "id": "all"}]},
          {"uid": {"type": "Group", "id": "all"}, "attrs": {}, "parents": []}
        ]
        """

    func evaluator() throws -> Evaluator {
        let entities = try CedarJSON.entities(try JSONParser().parse(Self.entitiesJSON))
        let request = AuthorizationRequest(
            principal: EntityUID(type: "User", id: "alice"),
            action: EntityUID(type: "Action", id: "view"),
            resource: EntityUID(type: "Doc", id: "d"),
            context: ["ip": .extensionValue(.ipaddr(try #require(IPAddress(parsing: "10.1.2.3")))), "n": .long(5)]
        )
        return Evaluator(request: request, entities: entities)
    }

    func value(_ text: String) throws -> Value {
        try evaluator().evaluate(try CedarExpression(parsing: text))
    }

    func failure(_ text: String) throws -> EvaluationError.Kind? {
        let expression = try CedarExpression(parsing: text)
        let evaluator = try evaluator()
        do {
            _ = try evaluator.evaluate(expression)
            return nil
        } catch {
            return error.kind
        }
    }

    @Test(arguments: [
        "1 + 2 * 3 == 7", "principal in Group::\"all\"", "principal in [Group::\"x\", Group::\"staff\"]",
        "principal.manager == User::\"bob\"", "principal has address.city", "!(principal has address.zip)",
        "principal.tags.contains(\"a\")", "[1, 2, 3].containsAll([1, 3])", "[1, 2].containsAny([2, 9])",
        "[].isEmpty()", "\"photo.jpg\" like \"*.jpg\"", "\"a*b\" like \"a\\*b\"", "!(\"axb\" like \"a\\*b\")",
        "principal is User", "principal is User in Group::\"staff\"", "if false then 1 + \"a\" else true",
        "{a: 1, b: [2]} == {b: [2], a: 1}", "[1, 2, 2] == [2, 1]", "User::\"x\" != User::\"y\"", "1 != \"1\"",
        "principal.getTag(\"clearance\") == \"secret\"", "principal.hasTag(\"clearance\")",
        "!User::\"ghost\".hasTag(\"x\")", "!(User::\"ghost\" has age)", "!(false && (1 + \"a\"))", "true || 1",
        "context.ip.isInRange(ip(\"10.0.0.0/8\"))", "decimal(\"1.23\").lessThan(decimal(\"1.2301\"))",
        "datetime(\"2024-01-01\") < datetime(\"2024-01-01T00:00:00.001Z\")",
        "datetime(\"2024-03-01T00:00:00+0100\").toTime() == duration(\"23h\")",
        "duration(\"1d2h3m4s5ms\").toMilliseconds() == 93784005",
        "-9223372036854775808 < 0", "ip(\"::1\").isLoopback()", "ip(\"224.1.2.3\").isMulticast()",
    ])
    func trueExpressions(_ text: String) throws {
        #expect(try value(text) == .bool(true), "\(text)")
    }

    @Test func errors() throws {
        #expect(try failure("9223372036854775807 + 1") == .overflow)
        #expect(try failure("-(-9223372036854775808)") == .overflow)
        #expect(try failure("9223372036854775807 * 2") == .overflow)
        #expect(try failure("1 + \"a\"") == .typeError)
        #expect(try failure("principal.missing") == .missingAttribute)
        #expect(try failure("User::\"ghost\".age") == .missingEntity)
        #expect(try failure("principal.getTag(\"nope\")") == .missingAttribute)
        #expect(try failure("decimal(\"1.23456\")") == .extensionError)
        #expect(try failure("ip(\"01.2.3.4\")") == .extensionError)
        #expect(try failure("datetime(\"2024-02-30\")") == .extensionError)
        #expect(try failure("duration(\"1m1h\")") == .extensionError)
        #expect(try failure("decimal(\"1.0\", \"2.0\")") == .extensionError)
        #expect(try failure("1 in [User::\"a\"]") == .typeError)
        #expect(try failure("principal in [User::\"a\", 1]") == .typeError)
        #expect(try failure("if 1 then true else false") == .typeError)
        #expect(try failure("decimal(\"1.0\") < decimal(\"2.0\")") == .typeError)
        #expect(throws: PolicyParseError.self) { try CedarExpression(parsing: "?principal == principal") }
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let deep = String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300)
        #expect(throws: PolicyParseError.self) { try CedarExpression(parsing: deep) }
    }
}

@Suite struct RobustnessTests {
    @Test func longOperatorChainsAreRejectedNotCrashing() {
        let chain =
            "permit(principal, action, resource) when { 1" + String(repeating: " + 1", count: 100_000) + " == 0 };"
        #expect(throws: PolicyParseError.self) { try PolicySet(parsing: chain) }
        let access =
            "permit(principal, action, resource) when { context" + String(repeating: ".a", count: 50_000) + " };"
        #expect(throws: PolicyParseError.self) { try PolicySet(parsing: access) }
        let has =
            "permit(principal, action, resource) when { context has a" + String(repeating: ".a", count: 50_000) + " };"
        #expect(throws: PolicyParseError.self) { try PolicySet(parsing: has) }
    }

    @Test func garbageInputNeverCrashes() {
        let fragments = [
            "permit", "forbid", "(", ")", "principal", "action", "resource", ",", "==", "in", "is", "when", "unless",
            "{", "}", "[", "]", "\"s\"", "1", "-", "!", ".", "has", "like", "if", "then", "else", "&&", "||", "::",
            "User", "?principal", "@id", ";", "decimal", "\"\\u{", "9999999999999999999999",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let length = Int.random(in: 1...30, using: &generator)
            let text = (0..<length).map { _ in fragments.randomElement(using: &generator) ?? "" }.joined(separator: " ")
            _ = try? PolicySet(parsing: text)
        }
    }
}

extension RobustnessTests {
    /// The deepest accepted expressions (height 100, 31 levels of brackets, 62 nested `if`s) parse, evaluate and
    /// validate on a thread with a small (512 KiB, the macOS secondary-thread default) stack, even unoptimised.
    @Test func deepestAcceptedExpressionsFitSmallStacks() async throws {
        let n = 97  // The parser accepts expressions up to height 100.
        let additions = "1" + String(repeating: " + 1", count: n) + " > 0"
        let parentheses = String(repeating: "(", count: 31) + "true" + String(repeating: ")", count: 31)
        let accesses = "context" + String(repeating: ".a", count: n) + " == 1"
        let ifs = String(repeating: "if true then ", count: 62) + "true" + String(repeating: " else false", count: 62)
        let sets = String(repeating: "[", count: 31) + "1" + String(repeating: "]", count: 31) + ".isEmpty()"
        let records = String(repeating: "{a: ", count: 31) + "1" + String(repeating: "}", count: 31) + " has a"
        for body in [additions, parentheses, accesses, ifs, sets, records] {
            let finished: Bool = await withCheckedContinuation { continuation in
                let thread = Thread {
                    guard let set = try? PolicySet(parsing: "permit(principal, action, resource) when { \(body) };")
                    else {
                        continuation.resume(returning: false)
                        return
                    }
                    let request = AuthorizationRequest(
                        principal: EntityUID(type: "U", id: "u"),
                        action: EntityUID(type: "Action", id: "a"),
                        resource: EntityUID(type: "R", id: "r")
                    )
                    _ = Authorizer().isAuthorized(request, policies: set, entities: EntityStore())
                    let schema = try? Schema(
                        parsing: "entity U, R; action a appliesTo { principal: U, resource: R, context: {} };"
                    )
                    if let schema { _ = Validator(schema: schema).validate(set) }
                    continuation.resume(returning: true)
                }
                thread.stackSize = 512 * 1024
                thread.start()
            }
            #expect(finished)
        }
    }
}
