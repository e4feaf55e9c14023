import CustosCore
import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Testing

/// A stalled signer shows as entries waiting while the newest checkpoint grows old; an idle log is not stalled.
@Suite("Checkpoint status")
struct CheckpointStatusTests {
    @Test func aStalledSignerShowsAsAgeAndUncoveredEntries() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let clock = TestClock()
        let publisher = CheckpointPublisher(
            store: store,
            signer: try Ed25519NoteSigner.generate(keyName: "custos.test/log"),
            origin: "custos.test/log",
            intervalSeconds: 5,
            clock: { clock.read }
        )
        #expect(publisher.stallMilliseconds == 60_000)
        #expect(
            try await publisher.status(now: clock.read)
                == CheckpointStatus(ageSeconds: nil, uncoveredEntries: 0, isStalled: false)
        )
        try await publisher.publish()
        _ = try await store.append([EventFixtures.numbered(10)], received: clock.read)
        clock.advance(seconds: 30)
        #expect(
            try await publisher.status(now: clock.read)
                == CheckpointStatus(ageSeconds: 30, uncoveredEntries: 10, isStalled: false)
        )
        clock.advance(seconds: 31)
        #expect(
            try await publisher.status(now: clock.read)
                == CheckpointStatus(ageSeconds: 61, uncoveredEntries: 10, isStalled: true)
        )
        #expect(try await publisher.publishIfDue()?.size == 10)
        clock.advance(seconds: 3600)
        #expect(
            try await publisher.status(now: clock.read)
                == CheckpointStatus(ageSeconds: 3600, uncoveredEntries: 0, isStalled: false)
        )
    }
}
