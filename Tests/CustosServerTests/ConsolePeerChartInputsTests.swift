import CustosCore
import CustosDetect
import CustosPolicy
import CustosStore
import Foundation
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

    /// A detection checkpoint holding the baseline state `marker` (and another source's state), or none.
    static func checkpoint(covered: Int64, baselines marker: Int64?) throws -> DetectionCheckpoint {
        var states: [String: Data] = ["rules": Data("{}".utf8)]
        if let marker { states["baselines"] = try JSONEncoder().encode(Self.state(marker)) }
        return DetectionCheckpoint(coveredSeq: covered, state: Array(try JSONEncoder().encode(states)))
    }

    @Test func aCheckpointIsDecodedOnceAndARecentStateIsShownAgainForAWhile() throws {
        let inputs = ConsolePeerChartInputs()
        #expect(inputs.recentBaselines(now: 0) == nil)
        let first = try Self.checkpoint(covered: 10, baselines: 1)
        #expect(inputs.baselines(in: first, now: 1_000)?.processedEventCount == 1)
        // A later checkpoint is decoded anew (a view that needs it, e.g. for a user the recent state lacks, gets it).
        #expect(
            inputs.baselines(in: try Self.checkpoint(covered: 11, baselines: 2), now: 2_000)?.processedEventCount == 2
        )
        #expect(
            inputs.baselines(in: try Self.checkpoint(covered: 11, baselines: 3), now: 2_500)?.processedEventCount == 3
        )
        let reuse = ConsolePeerChartInputs.reuseMilliseconds
        #expect(inputs.recentBaselines(now: 2_500)?.value?.processedEventCount == 3)
        #expect(inputs.recentBaselines(now: 2_500 + reuse - 1)?.decodedAt == 2_500)
        #expect(inputs.recentBaselines(now: 2_500 + reuse) == nil)
        #expect(inputs.recentBaselines(now: 2_000) == nil, "a clock that went back trusts nothing kept")
        #expect(inputs.baselines(in: try Self.checkpoint(covered: 12, baselines: nil), now: 3_000) == nil)
        let empty = inputs.recentBaselines(now: 3_000)
        #expect(empty?.decodedAt == 3_000 && empty?.value == nil, "a checkpoint without baselines is kept as such")
        #expect(
            inputs.baselines(in: DetectionCheckpoint(coveredSeq: 13, state: Array("not json".utf8)), now: 3_000) == nil
        )
        #expect(inputs.baselines(in: first, now: 4_000)?.processedEventCount == 1)
    }
}
