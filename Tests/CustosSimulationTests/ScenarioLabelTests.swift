import CustosCore
import CustosSimulation
import Testing

@Suite("Scenario labels")
struct ScenarioLabelTests {
    @Test("every scenario kind, misuse and benign, appears in a 50-officer × 20-day run")
    func everyKindAppears() {
        let kinds = Set(SharedRun.labels.map(\.scenario))
        for kind in ScenarioKind.allCases {
            #expect(kinds.contains(kind), "no \(kind.rawValue) label")
        }
    }

    @Test("labels point at existing events, of their actor, within their start and end")
    func labelsMatchEvents() {
        var byID: [String: AccessEvent] = [:]
        for event in SharedRun.events { byID[event.id ?? ""] = event }
        for label in SharedRun.labels {
            #expect(!label.eventIDs.isEmpty)
            var earliest = Timestamp.maximum
            var latest = Timestamp.minimum
            for id in label.eventIDs {
                guard let event = byID[id] else {
                    Issue.record("\(label.scenario.rawValue) names a missing event \(id)")
                    continue
                }
                #expect(event.actor.id == label.actor)
                earliest = min(earliest, event.time)
                latest = max(latest, event.time)
            }
            #expect(earliest == label.start)
            #expect(latest == label.end)
        }
    }

    @Test("the warm-up period holds no misuse")
    func warmUpIsClean() {
        let config = SharedRun.config
        let warmUpEnd = Timestamp(
            millisecondsSinceEpoch: config.start.millisecondsSinceEpoch + Int64(config.warmUpDays) * 86_400_000
        )
        let misuse = SharedRun.labels.filter { !$0.benign }
        #expect(!misuse.isEmpty)
        for label in misuse { #expect(label.start >= warmUpEnd, "\(label.scenario.rawValue) during warm-up") }
        let misuseIDs = Set(misuse.flatMap(\.eventIDs))
        for event in SharedRun.events where event.time < warmUpEnd {
            #expect(!misuseIDs.contains(event.id ?? ""))
        }
    }

    @Test("labels have the documented JSON shape")
    func labelShape() throws {
        let label = try #require(SharedRun.labels.first { $0.scenario == .watchListLookup })
        guard case .object(let o) = label.jsonValue else {
            Issue.record("not an object")
            return
        }
        #expect(o["scenario"] == .string("watch_list_lookup"))
        #expect(o["actor"]?.stringValue == label.actor)
        #expect(o["start"]?.stringValue.map { Timestamp.parse($0) } == .success(label.start))
        #expect(o["end"]?.stringValue.map { Timestamp.parse($0) } == .success(label.end))
        #expect(o["event_ids"]?.arrayValue?.count == label.eventIDs.count)
        #expect(o["benign"] == .bool(false))
        #expect(o["details"]?.objectValue?["watch_list"] != nil)
        let benign = try #require(SharedRun.labels.first { $0.scenario == .scheduledExport })
        #expect(benign.jsonValue.objectValue?["benign"] == .bool(true))
    }

    @Test("scenario events carry the signal they are named for")
    func scenarioSignals() {
        var byID: [String: AccessEvent] = [:]
        for event in SharedRun.events { byID[event.id ?? ""] = event }
        func events(_ kind: ScenarioKind) -> [[AccessEvent]] {
            SharedRun.labels.filter { $0.scenario == kind }.map { $0.eventIDs.compactMap { byID[$0] } }
        }
        for group in events(.bulkExport) {
            #expect(group.contains { $0.action == "export" && ($0.rows ?? 0) >= 20_000 })
        }
        for group in events(.fishing) {
            #expect(Set(group.flatMap(\.subjects)).count >= 25)
        }
        for group in events(.probing) {
            #expect(group.filter { $0.outcome == .denied }.count >= 4)
            #expect(group.last?.outcome == .success)
        }
        for group in events(.missingPurpose) {
            #expect(group.allSatisfy { $0.purpose == nil })
        }
        for group in events(.broadQuery) {
            #expect(group.allSatisfy { $0.query != nil && ($0.rows ?? 0) > 500 })
        }
        for group in events(.scheduledExport) {
            #expect(group.contains { $0.action == "export" && $0.purpose?.reason != nil })
        }
    }
}
