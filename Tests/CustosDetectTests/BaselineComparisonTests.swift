import CustosCore
import CustosDetect
import Testing

@Suite("A user's baseline measure beside their peers")
struct BaselineComparisonTests {
    typealias B = BaselineDetectorTests

    /// `days` ordinary days of officers 0001–0008 and one event of each the day after, so those days are completed.
    static func detector(days: Int = 10) -> BaselineDetector {
        var detector = BaselineDetector(directory: B.directory)
        _ = B.run(&detector, B.history(days: days) + (1...8).map { B.event("officer-000\($0)", day: days) })
        return detector
    }

    @Test func theUsersDaysSitBesideThePeersMedianAndQuartilesPerDay() throws {
        let detector = Self.detector()
        let c = try #require(
            detector.snapshot().comparison(
                actor: "officer-0001",
                measure: .dailyRows,
                directory: B.directory,
                configuration: detector.configuration
            )
        )
        #expect(c.measure == .dailyRows)
        #expect(c.days.count == 30)
        #expect(c.days.map(\.day) == Array((c.days[0].day)...(c.days[0].day + 29)))
        let active = c.days.filter { $0.value != nil }
        #expect(active.count == 10 && c.activeDays == 10)
        #expect(active.allSatisfy { $0.value == 100 })
        #expect(c.userMedian == 100)
        // Peers 0002–0008 export 120, 130, … 180 rows every day.
        #expect(c.peerGroup == "officer/fo/denver")
        #expect(c.peers == 7 && c.comparedPeers == 7)
        for day in active {
            #expect(day.peerMedian == 150 && day.peerLow == 130 && day.peerHigh == 170)
        }
        #expect(c.days.filter { $0.value == nil }.allSatisfy { $0.peerMedian == nil })
        #expect(c.peerMedian == 150 && c.peerLow == 130 && c.peerHigh == 170)
        #expect(c.peerAlertLevel == 180)
        // Other measures come from the same days: six distinct subjects a day for everyone.
        let subjects = try #require(
            detector.snapshot().comparison(
                actor: "officer-0001",
                measure: .dailySubjects,
                directory: B.directory,
                configuration: detector.configuration
            )
        )
        #expect(subjects.userMedian == 6 && subjects.peerMedian == 6)
    }

    @Test func noHistoryOrNoPeerGroupLeavesThePartsOut() {
        let detector = Self.detector()
        #expect(
            detector.snapshot().comparison(
                actor: "officer-0404",
                measure: .dailyRows,
                directory: B.directory,
                configuration: detector.configuration
            ) == nil
        )
        let unknown = detector.snapshot().comparison(
            actor: "officer-0001",
            measure: .dailyRows,
            directory: BaselineDirectory(),
            configuration: detector.configuration
        )
        #expect(unknown?.userMedian == 100)
        #expect(unknown?.peers == 0 && unknown?.peerGroup == nil && unknown?.peerMedian == nil)
        #expect(unknown?.peerAlertLevel == nil)
    }

    @Test func peersWithShortHistoriesFormTheBandButNotTheAlertLevel() throws {
        // Five days: every peer has a history, none has the seven active days the detector needs.
        let detector = Self.detector(days: 5)
        let c = try #require(
            detector.snapshot().comparison(
                actor: "officer-0001",
                measure: .dailyRows,
                directory: B.directory,
                configuration: detector.configuration
            )
        )
        #expect(c.activeDays == 5)
        #expect(c.peers == 7 && c.comparedPeers == 0)
        #expect(c.peerMedian == 150)
        #expect(c.peerAlertLevel == nil)
    }
}
