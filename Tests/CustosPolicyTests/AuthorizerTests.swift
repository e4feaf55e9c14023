import CustosCore
import CustosPolicy
import Testing

@Suite struct AuthorizerTests {
    let entities = EntityStore([
        Entity(uid: EntityUID(type: "User", id: "alice"), attributes: ["level": .long(3)]),
        Entity(
            uid: EntityUID(type: "Doc", id: "d"),
            attributes: ["owner": .entity(EntityUID(type: "User", id: "alice"))]
        ),
    ])

    func decide(_ policies: String, principal: String = "alice") throws -> AuthorizationResponse {
        let request = AuthorizationRequest(
            principal: EntityUID(type: "User", id: principal),
            action: EntityUID(type: "Action", id: "read"),
            resource: EntityUID(type: "Doc", id: "d")
        )
        return Authorizer().isAuthorized(request, policies: try PolicySet(parsing: policies), entities: entities)
    }

    @Test func defaultDeny() throws {
        let response = try decide("")
        #expect(response.decision == .deny && response.reasons.isEmpty && response.errors.isEmpty)
    }

    @Test func permitWithReasons() throws {
        let response = try decide(
            """
            permit(principal, action, resource) when { resource.owner == principal };
            permit(principal, action == Action::"read", resource);
            permit(principal, action == Action::"write", resource);
            """
        )
        #expect(response.decision == .allow)
        #expect(response.reasons == ["policy0", "policy1"])
    }

    @Test func forbidOverridesPermit() throws {
        let response = try decide(
            """
            permit(principal, action, resource);
            forbid(principal, action, resource) unless { principal.level > 5 };
            """
        )
        #expect(response.decision == .deny)
        #expect(response.reasons == ["policy1"])
    }

    @Test func erroringPoliciesAreSkippedAndReported() throws {
        let response = try decide(
            """
            forbid(principal, action, resource) when { principal.missing };
            permit(principal, action, resource) when { principal.level + 9223372036854775807 > 0 };
            permit(principal, action, resource) when { true };
            """
        )
        #expect(response.decision == .allow)
        #expect(response.reasons == ["policy2"])
        #expect(response.errors.map(\.policyID) == ["policy0", "policy1"])
        #expect(response.errors[0].error.kind == .missingAttribute)
        #expect(response.errors[1].error.kind == .overflow)
        #expect(response.errors[1].error.location?.line == 2)
    }

    @Test func requestFromJSONWithEntityLiterals() throws {
        let json =
            #"{"principal": "User::\"alice\"", "action": {"type": "Action", "id": "read"},"#
            + #" "resource": {"__entity": {"type": "Doc", "id": "d"}}, "context": {"n": 1}}"#
        let request = try CedarJSON.request(try JSONParser().parse(json))
        #expect(request.principal == EntityUID(type: "User", id: "alice"))
        #expect(request.resource == EntityUID(type: "Doc", id: "d"))
        #expect(request.context["n"] == .long(1))
    }
}
