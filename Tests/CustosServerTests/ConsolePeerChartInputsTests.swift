import CustosCore
import CustosDetect
import CustosPolicy
import Synchronization
import Testing

@testable import CustosServer

@Suite("The alert page's peer-chart inputs, kept between views")
struct ConsolePeerChartInputsTests {
    /// An entity version with one user per id, all in the peer group `officer/fo/a`.
    static func entities(version: Int, users: [String]) throws -> EntitySnapshot {
        var documents: [EntityUID: JSONValue] = [:]
        for user in users {
            let text = """
                {"uid":{"type":"Custos::User","id":"\(user)"},"attrs":{"role":"officer",\
                "org":{"__entity":{"type":"Custos::OrgUnit","id":"fo/a"}}},"parents":[]}
                """
            documents[EntityUID(type: "Custos::User", id: user)] = try JSONParser().parse(Array(text.utf8))
        }
        return EntitySnapshot(version: version, documents: documents, entities: CustosPolicy.EntityStore())
    }

    static func state(_ marker: Int64) -> BaselineSnapshot {
        var s = BaselineDetector().snapshot()
        s.processedEventCount = marker
        return s
    }

    @Test func theDirectoryIsBuiltOncePerEntityVersion() throws {
        let inputs = ConsolePeerChartInputs()
        let first = inputs.directory(of: try Self.entities(version: 1, users: ["officer-1", "officer-2"]))
        #expect(first.peerGroups["officer/fo/a"]?.sorted() == ["officer-1", "officer-2"])
        // Same version: the directory already built, even if handed other documents.
        let same = inputs.directory(of: try Self.entities(version: 1, users: ["officer-9"]))
        #expect(same.users.keys.sorted() == ["officer-1", "officer-2"])
        // A new version is indexed anew.
        let next = inputs.directory(of: try Self.entities(version: 2, users: ["officer-9"]))
        #expect(next.users.keys.sorted() == ["officer-9"])
    }

    @Test func theBaselineStateIsReadAgainOnlyAfterItsLifetime() async {
        let inputs = ConsolePeerChartInputs()
        let loads = Mutex(0)
        func view(at now: Int64, _ marker: Int64?) async -> Int64? {
            await inputs.snapshot(now: now) {
                loads.withLock { $0 += 1 }
                return marker.map(Self.state)
            }?.processedEventCount
        }
        // No state yet: nothing is kept, so the state is shown as soon as detection has saved one.
        #expect(await view(at: 1_000, nil) == nil)
        #expect(await view(at: 1_001, 1) == 1)
        #expect(await view(at: 1_002, 2) == 1)
        #expect(loads.withLock { $0 } == 2)
        let lifetime = ConsolePeerChartInputs.snapshotLifetimeMilliseconds
        #expect(await view(at: 1_001 + lifetime - 1, 3) == 1)
        #expect(await view(at: 1_001 + lifetime, 4) == 4)
        // A clock that went back reads the state again rather than trusting the cached one.
        #expect(await view(at: 500, 5) == 5)
        #expect(loads.withLock { $0 } == 4)
    }
}
