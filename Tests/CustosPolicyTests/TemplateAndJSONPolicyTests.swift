import CustosCore
import CustosPolicy
import Foundation
import Testing

@Suite struct TemplateAndJSONPolicyTests {
    static let sampleData = SampleDataTests.cedarRepo.appendingPathComponent("cedar-policy-cli/sample-data")

    func request(_ principal: String) -> AuthorizationRequest {
        AuthorizationRequest(
            principal: EntityUID(type: "User", id: principal),
            action: EntityUID(type: "Action", id: "view"),
            resource: EntityUID(type: "Photo", id: "VacationPhoto94.jpg")
        )
    }

    /// The walkthrough of the CLI's sandbox_c: link the `AccessVacation` template for alice and bob.
    @Test func sandboxCTemplateLinking() throws {
        let folder = Self.sampleData.appendingPathComponent("sandbox_c")
        let entities = try CedarJSON.entities(
            try ConformanceHarness.readJSON(folder.appendingPathComponent("entities.json"))
        )
        for (file, aliceDecision) in [("policies.cedar", Decision.allow), ("policies_edited.cedar", .deny)] {
            var set = try PolicySet(
                parsing: try ConformanceHarness.readText(folder.appendingPathComponent(file)),
                idsFromAnnotation: true
            )
            #expect(Authorizer().isAuthorized(request("alice"), policies: set, entities: entities).decision == .deny)
            try set.link(
                templateID: "AccessVacation",
                newID: "AliceAccess",
                values: [.principal: EntityUID(type: "User", id: "alice")]
            )
            try set.link(
                templateID: "AccessVacation",
                newID: "BobAccess",
                values: [.principal: EntityUID(type: "User", id: "bob")]
            )
            let alice = Authorizer().isAuthorized(request("alice"), policies: set, entities: entities)
            #expect(alice.decision == aliceDecision, "\(file)")
            let bob = Authorizer().isAuthorized(request("bob"), policies: set, entities: entities)
            #expect(bob.decision == .allow && bob.reasons == ["BobAccess"], "\(file)")
            #expect(Authorizer().isAuthorized(request("jane"), policies: set, entities: entities).decision == .deny)
        }
    }

    @Test func linkingErrors() throws {
        var set = try PolicySet(parsing: "permit(principal == ?principal, action, resource);")
        #expect(throws: TemplateLinkError.self) { try set.link(templateID: "nope", newID: "x", values: [:]) }
        #expect(throws: TemplateLinkError.self) { try set.link(templateID: "policy0", newID: "x", values: [:]) }
        #expect(throws: TemplateLinkError.self) {
            try set.link(templateID: "policy0", newID: "policy0", values: [.principal: EntityUID(type: "U", id: "u")])
        }
    }

    @Test func jsonPolicyFilesParse() throws {
        let folder = Self.sampleData.appendingPathComponent("tiny_sandboxes/json-check-parse")
        let set = try PolicyJSON.policySet(
            try ConformanceHarness.readJSON(folder.appendingPathComponent("policy_set.cedar.json"))
        )
        #expect(set.policies.map(\.id) == ["policy0"])
        let template = try PolicyJSON.policy(
            try ConformanceHarness.readJSON(folder.appendingPathComponent("policy_template.cedar.json")),
            id: "t"
        )
        #expect(template.slots == [.principal, .resource])
        let single = try PolicyJSON.policy(
            try ConformanceHarness.readJSON(folder.appendingPathComponent("static_policy.cedar.json")),
            id: "s"
        )
        #expect(single.slots.isEmpty)
    }

    /// The JSON and text forms of the same policy give the same AST.
    @Test func jsonAndTextAgree() throws {
        let folder = Self.sampleData.appendingPathComponent("tiny_sandboxes/translate-policy")
        let fromJSON = try PolicyJSON.policySet(
            try ConformanceHarness.readJSON(folder.appendingPathComponent("policy.cedar.json"))
        )
        let fromText = try PolicySet(
            parsing: try ConformanceHarness.readText(folder.appendingPathComponent("policy.cedar"))
        )
        #expect(same(fromJSON.policies[0], fromText.policies[0]))

        let text = """
            forbid(principal is User in Group::"g", action in [Action::"a"], resource)
            when { context.n + 1 > 2 && !(resource has owner.name) && ip("10.0.0.1").isInRange(ip("10.0.0.0/8")) }
            unless { principal.name like "a*" || [1, {x: true}].contains(1) && principal.getTag("t") != "x" };
            """
        let json = """
            {"effect": "forbid",
             "principal": {"op": "is", "entity_type": "User", "in": {"entity": {"type": "Group", "id": "g"}}},
             "action": {"op": "in", "entities": [{"type": "Action", "id": "a"}]},
             "resource": {"op": "All"},
             "conditions": [
               {"kind": "when", "body": {"&&": {"left": {"&&": {
                  "left": {">": {"left": {"+": {"left": {".": {"left": {"Var": "context"}, "attr": "n"}},
                                                "right": {"Value": 1}}}, "right": {"Value": 2}}},
                  "right": {"!": {"arg": {"has": {"left": {"Var": "resource"}, "attr": ["owner", "name"]}}}}}},
                  "right": {"isInRange": [{"ip": [{"Value": "10.0.0.1"}]}, {"ip": [{"Value": "10.0.0.0/8"}]}]}}}},
               {"kind": "unless", "body": {"||": {
                  "left": {"like": {"left": {".": {"left": {"Var": "principal"}, "attr": "name"}},
                                    "pattern": [{"Literal": "a"}, "Wildcard"]}},
                  "right": {"&&": {
                    "left": {"contains": {"left": {"Set": [{"Value": 1}, {"Record": {"x": {"Value": true}}}]},
                                          "right": {"Value": 1}}},
                    "right": {"!=": {"left": {"getTag": {"left": {"Var": "principal"}, "right": {"Value": "t"}}},
                                     "right": {"Value": "x"}}}}}}}}
             ]}
            """
        let a = try PolicySet(parsing: text).policies[0]
        let b = try PolicyJSON.policy(try JSONParser().parse(json), id: "policy0")
        #expect(same(a, b))
    }

    @Test func oversizedJSONPoliciesAreRejected() throws {
        let path = "[" + Array(repeating: "\"a\"", count: 100_000).joined(separator: ",") + "]"
        let json =
            #"{"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"},"#
            + #" "resource": {"op": "All"}, "conditions": [{"kind": "when", "body": {"has":"#
            + #" {"left": {"Var": "context"}, "attr": \#(path)}}}]}"#
        #expect(throws: DataFormatError.self) { try PolicyJSON.policy(try JSONParser().parse(json), id: "p") }
    }

    func same(_ a: Policy, _ b: Policy) -> Bool {
        a.effect == b.effect && a.principal == b.principal && a.action == b.action && a.resource == b.resource
            && a.conditions == b.conditions
    }
}
