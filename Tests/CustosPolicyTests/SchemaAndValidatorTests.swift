import CustosCore
import CustosPolicy
import Testing

@Suite struct SchemaAndValidatorTests {
    static let schemaText = """
        namespace App {
          type Address = { city: String, zip?: String };
          entity Group;
          entity User in [Group] = { name: String, age: Long, address: Address, nick?: String } tags String;
          entity Doc = { owner: User, ip: ipaddr, score: decimal };
          entity Color enum ["red", "blue"];
          action view, edit appliesTo { principal: [User], resource: [Doc], context: { mfa: Bool, when?: datetime } };
          action "all" appliesTo { principal: User, resource: Doc };
          action read in ["all"] appliesTo { principal: [User], resource: [Doc] };
        }
        """

    func schema() throws -> Schema { try Schema(parsing: Self.schemaText) }

    @Test func schemaStructure() throws {
        let schema = try schema()
        let user = try #require(schema.entityTypes["App::User"])
        #expect(user.parentTypes == ["App::Group"])
        #expect(user.attributes["nick"]?.isRequired == false)
        #expect(user.tagType == .string)
        guard case .record(let address)? = user.attributes["address"]?.type else {
            Issue.record("address should be a record")
            return
        }
        #expect(address["zip"]?.isRequired == false)
        #expect(schema.entityTypes["App::Color"]?.enumeratedIDs == ["red", "blue"])
        let read = try #require(schema.actions[EntityUID(type: "App::Action", id: "read")])
        #expect(read.parents == [EntityUID(type: "App::Action", id: "all")])
        #expect(
            schema.actions[EntityUID(type: "App::Action", id: "view")]?.context["when"]?.type
                == .extensionType("datetime")
        )
    }

    func errors(_ policy: String) throws -> [ValidationError] {
        Validator(schema: try schema()).validate(try PolicySet(parsing: policy))
    }

    @Test(arguments: [
        "permit(principal, action, resource);",
        "permit(principal is App::User, action == App::Action::\"view\", resource)"
            + " when { resource.owner == principal };",
        "permit(principal, action, resource) when { principal has nick && principal.nick == \"x\" };",
        "permit(principal, action, resource) when { principal.address has zip && principal.address.zip like \"0*\" };",
        "permit(principal, action in App::Action::\"all\", resource)"
            + " when { resource.score.lessThan(decimal(\"1.0\")) };",
        "permit(principal, action, resource) when { principal.hasTag(\"t\") && principal.getTag(\"t\") == \"v\" };",
        "permit(principal, action == App::Action::\"view\", resource) when { context.mfa };",
        "permit(principal, action, resource) when { if true then true else \"a\" };",
        "permit(principal in App::Group::\"g\", action, resource) when { principal.age + 1 > 18 };",
        "permit(principal, action, resource) when { App::Color::\"red\" != App::Color::\"blue\" };",
    ])
    func validPolicies(_ policy: String) throws {
        #expect(try errors(policy).isEmpty, "\(policy)")
    }

    @Test(arguments: [
        "permit(principal, action, resource) when { principal.nick == \"x\" };",
        "permit(principal, action, resource) when { principal.unknown == 1 };",
        "permit(principal, action, resource) when { principal.getTag(\"t\") == \"v\" };",
        "permit(principal == Nope::\"x\", action, resource);",
        "permit(principal, action == App::Action::\"nope\", resource);",
        "permit(principal is App::Doc, action, resource);",
        "permit(principal, action, resource) when { principal.age + \"a\" == 1 };",
        "permit(principal, action, resource) when { [1, \"a\"].contains(1) };",
        "permit(principal, action, resource) when { [].isEmpty() };",
        "permit(principal, action, resource) when { decimal(principal.name).lessThan(decimal(\"1.0\")) };",
        "permit(principal, action, resource) when { ip(\"not an ip\").isIpv4() };",
        "permit(principal, action, resource) when { principal == resource.owner || principal.age };",
        "permit(principal, action, resource) when { App::Color::\"green\" == App::Color::\"red\" };",
        "permit(principal, action == App::Action::\"view\", resource)"
            + " when { context.when < datetime(\"2024-01-01\") };",
    ])
    func invalidPolicies(_ policy: String) throws {
        #expect(try !errors(policy).isEmpty, "\(policy)")
    }

    @Test func schemaDirectedEntityParsing() throws {
        let json = """
            [{"uid": {"type": "App::Doc", "id": "d"},
              "attrs": {"owner": {"type": "App::User", "id": "u"}, "ip": "10.0.0.1", "score": "0.5"},
              "parents": []}]
            """
        let entities = try CedarJSON.entities(try JSONParser().parse(json), schema: try schema())
        let doc = try #require(entities[EntityUID(type: "App::Doc", id: "d")])
        #expect(doc.attributes["owner"] == .entity(EntityUID(type: "App::User", id: "u")))
        #expect(doc.attributes["score"] == .extensionValue(.decimal(CedarDecimal(tenThousandths: 5000))))
        // The schema's action hierarchy is added to the store.
        #expect(
            entities.isDescendant(
                EntityUID(type: "App::Action", id: "read"),
                of: EntityUID(type: "App::Action", id: "all")
            )
        )
        // Without a schema the same attribute is a plain record.
        let plain = try CedarJSON.entities(try JSONParser().parse(json))
        guard case .record? = plain[EntityUID(type: "App::Doc", id: "d")]?.attributes["owner"] else {
            Issue.record("expected a record without a schema")
            return
        }
    }

    @Test func malformedDataIsRejected() throws {
        for bad in [
            "{}", "[{\"attrs\": {}}]", "[{\"uid\": {\"type\": \"A\"}}]",
            "[{\"uid\": {\"type\": \"A\", \"id\": \"a\"}, \"attrs\": {\"x\": 1.5}}]",
            #"[{"uid": {"type": "A", "id": "a"}, "attrs": {"x": {"__extn": {"fn": "ip", "arg": "x"}}}}]"#,
            "[{\"uid\": {\"type\": \"A\", \"id\": \"a\"}}, {\"uid\": {\"type\": \"A\", \"id\": \"a\"}}]",
        ] {
            #expect(throws: DataFormatError.self, "\(bad)") { try CedarJSON.entities(try JSONParser().parse(bad)) }
        }
    }

    @Test func dataMustConformToTheSchema() throws {
        let schema = try schema()
        let good =
            #"{"uid": {"type": "App::User", "id": "u"}, "parents": [{"type": "App::Group", "id": "g"}],"#
            + #" "attrs": {"name": "n", "age": 1, "address": {"city": "c"}}, "tags": {"t": "v"}}"#
        #expect(throws: Never.self) { try CedarJSON.entities(try JSONParser().parse("[\(good)]"), schema: schema) }
        let bad = [
            #"{"uid": {"type": "App::Nope", "id": "x"}}"#,
            #"{"uid": {"type": "App::User", "id": "u"},"#
                + #" "attrs": {"name": "n", "age": "1", "address": {"city": "c"}}}"#,
            #"{"uid": {"type": "App::User", "id": "u"}, "attrs": {"name": "n", "address": {"city": "c"}}}"#,
            #"{"uid": {"type": "App::User", "id": "u"},"#
                + #" "attrs": {"name": "n", "age": 1, "address": {"city": "c"}, "x": 1}}"#,
            #"{"uid": {"type": "App::Doc", "id": "d"},"#
                + #" "attrs": {"owner": {"type": "App::Doc", "id": "x"}, "ip": "1.2.3.4", "score": "1.0"}}"#,
            #"{"uid": {"type": "App::Group", "id": "g"}, "parents": [{"type": "App::User", "id": "u"}]}"#,
            #"{"uid": {"type": "App::Group", "id": "g"}, "tags": {"t": "v"}}"#,
            #"{"uid": {"type": "App::Color", "id": "green"}}"#,
            #"{"uid": {"type": "App::Action", "id": "nope"}}"#,
        ]
        for entity in bad {
            #expect(throws: DataFormatError.self, "\(entity)") {
                try CedarJSON.entities(try JSONParser().parse("[\(entity)]"), schema: schema)
            }
        }
    }

    @Test func requestsMustConformToTheSchema() throws {
        let schema = try schema()
        func request(_ principal: String, _ action: String, _ context: String) -> String {
            #"{"principal": {"type": "App::\#(principal)", "id": "p"},"#
                + #" "action": {"type": "App::Action", "id": "\#(action)"},"#
                + #" "resource": {"type": "App::Doc", "id": "d"}, "context": \#(context)}"#
        }
        let good = request("User", "view", #"{"mfa": true, "when": "2024-01-01"}"#)
        let parsed = try CedarJSON.request(try JSONParser().parse(good), schema: schema)
        #expect(
            parsed.context["when"]
                == .extensionValue(.datetime(CedarDatetime(millisecondsSinceEpoch: 1_704_067_200_000)))
        )
        for bad in [
            request("Group", "view", #"{"mfa": true}"#), request("User", "nope", "{}"), request("User", "view", "{}"),
            request("User", "view", #"{"mfa": 1}"#), request("User", "view", #"{"mfa": true, "extra": 1}"#),
        ] {
            #expect(throws: DataFormatError.self, "\(bad)") {
                try CedarJSON.request(try JSONParser().parse(bad), schema: schema)
            }
        }
        let unchecked = request("Group", "view", "{}")
        #expect(throws: Never.self) {
            try CedarJSON.request(try JSONParser().parse(unchecked), schema: schema, validateRequest: false)
        }
    }
}
