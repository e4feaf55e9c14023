import CustosCore
import CustosLedger
import CustosStore
import CustosTestKit
import Testing

@Suite("Event claims")
struct EventClaimsTests {
    static var events: [AccessEvent] {
        var e = EventFixtures.event(id: "c", subjects: ["person:1", "person:\"2\"", "person:1"])
        e.attributes = JSONObject([("z", .integer(1)), ("é", .string("x")), ("a", .array([.null, .bool(true)]))])
        e.decision = "dec"
        var bare = EventFixtures.event(id: nil, subjects: [])
        bare.rows = nil
        return [e, bare] + EventFixtures.numbered(5)
    }

    @Test func batchCommitmentMatchesTheClaimsOfTheCanonicalBody() throws {
        let events = Self.events
        let committed = EventClaims.commit(events)
        for (event, c) in zip(events, committed) {
            #expect(c.body == event.canonicalBytes)
            let object = try #require(event.jsonValue.objectValue)
            #expect(try EventClaims.commitment(of: object, salts: c.salts).commitment == c.commitment)
            let values = EventClaims.values(of: object)
            #expect(c.salts.count == 16 * values.count)
            #expect(
                values.filter { $0.name == "subject" }.map(\.value)
                    == event.subjects.map { CanonicalJSON.encode(.string($0)) }
            )
            #expect(!values.contains { $0.name == "subjects" })
        }
        // Fresh salts every time.
        #expect(EventClaims.commit(events).map(\.salts) != committed.map(\.salts))
    }

    @Test func parallelCommitKeepsOrder() throws {
        let events = EventFixtures.numbered(1000)
        let committed = EventClaims.commitInParallel(events)
        #expect(committed.map(\.body) == events.map(\.canonicalBytes))
        for (event, c) in zip(events, committed) {
            let object = try #require(event.jsonValue.objectValue)
            #expect(try EventClaims.commitment(of: object, salts: c.salts).commitment == c.commitment)
        }
        #expect(Set(committed.map(\.salts)).count == 1000)
    }

    @Test func fastDigestEqualsTheClaimDigest() throws {
        let salts = SaltedClaim.randomSalts(count: 3)
        #expect(salts.count == 48)
        #expect(Set([salts[0..<16], salts[16..<32], salts[32..<48]]).count == 3)
        let claim = try SaltedClaim(salt: salts[16..<32], name: "actor", value: Array(#"{"id":"o"}"#.utf8))
        #expect(SaltedClaim.digest(salt: salts[16..<32], name: "actor", value: claim.value) == claim.digest)
    }
}
