import CustosPolicy
import Testing

@Suite struct ParserTests {
    func parseError(_ text: String) -> PolicyParseError? {
        do {
            _ = try PolicySet(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func positionalIDsIgnoreTheIDAnnotation() throws {
        let text = """
            @id("first") permit(principal, action, resource);
            // a comment
            forbid(principal, action, resource) unless { false };
            """
        let set = try PolicySet(parsing: text)
        #expect(set.policies.map(\.id) == ["policy0", "policy1"])
        #expect(set.policies[0].annotation("id") == "first")
        #expect(set.policies[1].effect == .forbid)
        let named = try PolicySet(parsing: text, idsFromAnnotation: true)
        #expect(named.policies.map(\.id) == ["first", "policy1"])
    }

    @Test func scopes() throws {
        let set = try PolicySet(
            parsing: """
                permit(
                  principal == User::"a", action in [Action::"r", NS::Action::"w"], resource is Photo in Album::"x"
                );
                permit(principal is User, action == Action::"v", resource in Folder::"f");
                permit(principal in ?principal, action in Action::"g", resource == ?resource);
                """
        )
        #expect(set.policies[0].principal == .equal(.entity(EntityUID(type: "User", id: "a"))))
        #expect(
            set.policies[0].action
                == .inSet([EntityUID(type: "Action", id: "r"), EntityUID(type: "NS::Action", id: "w")])
        )
        #expect(set.policies[0].resource == .isTypeIn("Photo", .entity(EntityUID(type: "Album", id: "x"))))
        #expect(set.policies[1].principal == .isType("User"))
        #expect(set.templates["policy2"]?.slots == [.principal, .resource])
    }

    @Test func precedenceAndDesugaring() throws {
        #expect(try CedarExpression(parsing: "1 + 2 * 3 == 7") == CedarExpression(parsing: "(1 + (2 * 3)) == 7"))
        #expect(
            try CedarExpression(parsing: "true || false && true") == CedarExpression(parsing: "true || (false && true)")
        )
        #expect(try CedarExpression(parsing: "1 > 2") == CedarExpression(parsing: "2 < 1"))
        #expect(try CedarExpression(parsing: "1 != 2") == CedarExpression(parsing: "!(1 == 2)"))
        #expect(
            try CedarExpression(parsing: "context has a.b")
                == CedarExpression(parsing: "context has a && context.a has b")
        )
        #expect(try CedarExpression(parsing: "context[\"a\"]") == CedarExpression(parsing: "context.a"))
        #expect(try CedarExpression(parsing: "-9223372036854775808").kind == .literal(.long(Int64.min)))
    }

    @Test func stringEscapes() throws {
        let e = try CedarExpression(parsing: #""a\n\t\"\\\0\u{1F600}\x41""#)
        #expect(e.kind == .literal(.string("a\n\t\"\\\0\u{1F600}A")))
        #expect(parseError(#"permit(principal, action, resource) when { "\q" == "" };"#) != nil)
    }

    @Test func errorsCarryPolicyAndPosition() throws {
        let error = try #require(parseError("permit(principal, action, resource);\nforbid(principal, action) ;"))
        #expect(error.policyID == "policy1")
        #expect(error.location.line == 2)
        #expect(parseError("permit(principal, action, resource) when { 1 < 2 < 3 };") != nil)
        #expect(parseError("permit(principal, action, resource) when { 9223372036854775808 == 0 };") != nil)
        #expect(parseError("permit(principal, action, resource) when { {a: 1, a: 2} == {} };") != nil)
        #expect(parseError("permit(principal, action, resource) when { foo(1) };") != nil)
        #expect(parseError("permit(principal, action, resource) when { 4 / 2 == 2 };") != nil)
        #expect(parseError("permit(principal, action == User::\"x\", resource);") != nil)
        #expect(parseError("permit(principal, action, resource) when { [1].contains(1, 2) };") != nil)
        #expect(parseError("@a @a permit(principal, action, resource);") != nil)
        for reserved in [
            "principal.if", "principal.true", "if::\"x\" == principal", "principal is in", "{true: 1} == {}",
            "A::__cedar::\"x\" == principal",
        ] {
            #expect(parseError("permit(principal, action, resource) when { \(reserved) };") != nil, "\(reserved)")
        }
        #expect(parseError("permit(principal, action, resource) when { {if: 1, then: 2} has if };") == nil)
        #expect(
            parseError("permit(principal == ?principal, action, resource) when { ?principal == principal };") != nil
        )
        #expect(parseError("permit(principal, action, resource) when { \"abc") != nil)
    }

    @Test func extensionArityIsCheckedAtEvaluation() throws {
        // The reference parser accepts this; evaluating it is an error.
        #expect(throws: Never.self) {
            try PolicySet(parsing: "permit(principal, action, resource) when { decimal(\"1\", \"2\") };")
        }
    }
}
