import CustosCore
import CustosDetect
import CustosSimulation
import Testing

@Suite("Personal attribute protection")
struct PersonalAttributeProtectorTests {
    static let protector = PersonalAttributeProtector(key: Array("0123456789abcdef0123456789abcdef".utf8))!
    static let otherKey = PersonalAttributeProtector(key: Array("fedcba9876543210fedcba9876543210".utf8))!

    @Test("names normalise as documented")
    func nameExamples() {
        #expect(PersonalAttributeNormalizer.name("José") == "jose")
        #expect(PersonalAttributeNormalizer.name("MÜLLER") == "muller")
        #expect(PersonalAttributeNormalizer.name("Straße") == "strasse")
        #expect(PersonalAttributeNormalizer.name("  Garcia-Lopez ") == "garcia lopez")
        #expect(PersonalAttributeNormalizer.name("O'Brien") == "obrien")
        #expect(PersonalAttributeNormalizer.name("O\u{2019}Brien") == "obrien")
        #expect(PersonalAttributeNormalizer.name("Ｇａｒｃｉａ") == "garcia")  // full-width
        #expect(PersonalAttributeNormalizer.name("Jose\u{0301}") == "jose")  // decomposed accent
        #expect(PersonalAttributeNormalizer.name("") == "")
        #expect(PersonalAttributeNormalizer.name("Smith") != PersonalAttributeNormalizer.name("Smyth"))
    }

    @Test("addresses reduce to street level")
    func addressExamples() {
        let key = PersonalAttributeNormalizer.address(
            street: "1420 Maple Avenue, Apt 3B",
            city: "Springfield",
            state: "IL"
        )
        #expect(key == "maple ave|springfield|il")
        #expect(
            PersonalAttributeNormalizer.address(street: "12b  maple ave #4", city: "SPRINGFIELD", state: "il") == key
        )
        #expect(
            PersonalAttributeNormalizer.address(street: "7 Maple Ave Suite 100", city: "Springfield", state: "IL")
                == key
        )
        #expect(PersonalAttributeNormalizer.address(street: "1420 Oak Ave", city: "Springfield", state: "IL") != key)
        #expect(PersonalAttributeNormalizer.address(street: "1420 Maple Ave", city: "Peoria", state: "IL") != key)
        // A numbered street keeps its name; only leading house numbers go.
        #expect(PersonalAttributeNormalizer.address(street: "55 5th Street", city: "X", state: "NY") == "5th st|x|ny")
    }

    /// Random names from a small alphabet with accents, case and spacing noise.
    static func randomNames(count: Int, seed: UInt64) -> [String] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let letters = Array("abcdeéèêfghiïjklmnñoöpqrstuüvwxyzABCÇDEÉ -'.·ß")
        return (0..<count).map { _ in
            String((0..<(1 + Int(next() % 14))).map { _ in letters[Int(next()) % letters.count] })
        }
    }

    @Test("the normaliser is idempotent and ignores case, accents and spacing (property)")
    func normaliserProperties() {
        for name in Self.randomNames(count: 2_000, seed: 7) {
            let n = PersonalAttributeNormalizer.name(name)
            #expect(PersonalAttributeNormalizer.name(n) == n, "idempotent: \(name)")
            #expect(PersonalAttributeNormalizer.name(name.uppercased()) == n, "case: \(name)")
            #expect(PersonalAttributeNormalizer.name("  " + name.replacingSpaces("   ") + " ") == n, "spacing: \(name)")
            #expect(!n.hasPrefix(" ") && !n.hasSuffix(" ") && !n.contains("  "), "collapsed: \(name)")
            #expect(
                n.unicodeScalars.allSatisfy { $0.properties.generalCategory != .nonspacingMark },
                "no combining marks: \(name)"
            )
            let stripped = String(String.UnicodeScalarView(name.unicodeScalars.map(Self.plain)))
            #expect(PersonalAttributeNormalizer.name(stripped) == n, "accents: \(name)")
        }
    }

    static func plain(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let map: [Unicode.Scalar: Unicode.Scalar] = [
            "é": "e", "è": "e", "ê": "e", "ï": "i", "ñ": "n", "ö": "o", "ü": "u", "Ç": "C", "É": "E",
        ]
        return map[scalar] ?? scalar
    }

    @Test("protected values are tagged, keyed, and idempotent")
    func protection() {
        let garcia = Self.protector.protect(name: "García")
        #expect(garcia.hasPrefix("hmac:v1:"))
        #expect(garcia.utf8.count == 8 + 43)
        #expect(PersonalAttributeProtector.isProtected(garcia))
        #expect(Self.protector.protect(name: garcia) == garcia)
        #expect(Self.protector.protect(name: "  GARCIA ") == garcia)
        #expect(Self.protector.protect(name: "Garcias") != garcia)
        #expect(Self.otherKey.protect(name: "García") != garcia)
        #expect(!garcia.lowercased().contains("garcia"))
        #expect(PersonalAttributeProtector(key: Array("short".utf8)) == nil)
    }

    @Test("protecting entities rewrites exactly the documented attributes, once")
    func entities() throws {
        let entities = ReferenceEnrichmentTests.entities
        let protected = Self.protector.protect(entities: entities)
        #expect(Self.protector.protect(entities: protected) == protected)
        let list = try #require(protected.arrayValue)
        let user = try #require(
            list.first { $0.objectValue?["uid"]?.objectValue?["id"]?.stringValue == "officer-0001" }
        )
        let attrs = try #require(user.objectValue?["attrs"]?.objectValue)
        #expect(attrs["surname"]?.stringValue.map(PersonalAttributeProtector.isProtected) == true)
        #expect(attrs["given_name"]?.stringValue.map(PersonalAttributeProtector.isProtected) == true)
        #expect(attrs["name"] == .string("Ana Garcia"))  // display name: documented as not protected
        #expect(attrs["devices"] == .array([.string("WS-DEN-0001")]))
    }

    @Test("the simulator's entities, protected, give exactly the same enrichment")
    func simulatorEquivalence() throws {
        let simulation = AgencySimulation(config: SimulationConfig(officers: 20, days: 10, seed: 3))
        let entities = simulation.referenceEntities()
        let plain = ReferenceEnrichment(entities: entities)
        let protected = ReferenceEnrichment(entities: Self.protector.protect(entities: entities))
        let text = String(decoding: CanonicalJSON.encode(Self.protector.protect(entities: entities)), as: UTF8.self)
        #expect(!text.contains("\"surname\":\"Smith\""))
        var compared = 0
        var namesakes = 0
        for event in simulation.events() {
            let fields = event.jsonValue.objectValue ?? JSONObject()
            let a = plain.enrichment(for: fields, time: event.time)
            let b = protected.enrichment(for: fields, time: event.time)
            #expect(a == b)
            if a != b { break }
            compared += 1
            if a["subject_shares_actor_surname"] == .bool(true) { namesakes += 1 }
        }
        #expect(compared > 10_000)
        #expect(namesakes > 0)
    }

    @Test("accent, case and spacing variants match after protection; different names do not")
    func variantsMatch() throws {
        func entities(userSurname: String, personSurname: String) throws -> JSONValue {
            try JSONParser().parse(
                """
                [{"uid": {"type": "Custos::User", "id": "u1"}, "attrs": {"surname": "\(userSurname)",
                  "home_address": {"street": "1420 Maple Avenue", "city": "Springfield", "state": "IL"}}, "parents": []},
                 {"uid": {"type": "Custos::Person", "id": "person:1"}, "attrs": {"surname": "\(personSurname)",
                  "address": {"street": "12 MAPLE AVE, Apt 4", "city": "springfield", "state": "IL"}}, "parents": []}]
                """
            )
        }
        let event = JSONObject([
            ("actor", .object(JSONObject([("id", .string("u1"))]))), ("subjects", .array([.string("person:1")])),
            ("action", .string("view")),
        ])
        let time = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)
        for (a, b, same) in [
            ("Müller", "MULLER", true), ("García", "garcia", true), ("De La Cruz", "de  la   cruz", true),
            ("Garcia", "Garcias", false), ("Lee", "Li", false),
        ] {
            let reference = ReferenceEnrichment(
                entities: Self.protector.protect(entities: try entities(userSurname: a, personSurname: b))
            )
            let enrichment = reference.enrichment(for: event, time: time)
            #expect(enrichment["subject_shares_actor_surname"] == .bool(same), "\(a) / \(b)")
            #expect(enrichment["subject_shares_actor_address"] == .bool(true))
            // Mixed: only the user protected, matched through the protector.
            var mixed = try entities(userSurname: a, personSurname: b).arrayValue!
            mixed[0] = Self.protector.protect(entity: mixed[0])
            let mixedReference = ReferenceEnrichment(entities: .array(mixed), protector: Self.protector)
            #expect(mixedReference.enrichment(for: event, time: time)["subject_shares_actor_surname"] == .bool(same))
        }
    }
}

extension String {
    fileprivate func replacingSpaces(_ with: String) -> String {
        split(separator: " ", omittingEmptySubsequences: false).joined(separator: with)
    }
}
