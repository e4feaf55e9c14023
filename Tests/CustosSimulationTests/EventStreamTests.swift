import CustosCore
import CustosSimulation
import Testing

@Suite("Event stream")
struct EventStreamTests {
    @Test("events are in non-decreasing time order and their ids are unique")
    func orderAndUniqueIDs() {
        let events = SharedRun.events
        #expect(events.count > 20_000)
        var previous = Timestamp.minimum
        var ids = Set<String>()
        for event in events {
            #expect(event.time >= previous)
            previous = event.time
            #expect(ids.insert(event.id ?? "").inserted)
        }
        #expect(events.first.map { $0.time >= SharedRun.config.start } == true)
    }

    @Test("every event passes the CustosCore validator unchanged")
    func everyEventIsValid() {
        let validator = EventValidator()
        var invalid = 0
        for event in SharedRun.events {
            switch validator.validate(event.jsonValue) {
            case .valid(let parsed): if parsed != event { invalid += 1 }
            case .invalid(let issues):
                invalid += 1
                if invalid < 3 { Issue.record("invalid event \(event.id ?? ""): \(issues)") }
            }
        }
        #expect(invalid == 0)
    }

    @Test("the workload looks like an agency: apps, actions, outcomes, sessions, purposes")
    func realism() {
        let events = SharedRun.events
        let apps = Set(events.map(\.app))
        #expect(apps.isSuperset(of: ["sso", "records", "casebook", "dmv-lookup", "geo-lookup"]))
        let actions = Set(events.map(\.action))
        #expect(actions.isSuperset(of: ["login", "logout", "search", "view", "export", "print"]))
        #expect(events.contains { $0.outcome == .denied })
        #expect(events.allSatisfy { $0.actor.session != nil && $0.actor.ip != nil && $0.actor.device != nil })
        let personViews = events.filter { $0.action == "view" && $0.resource?.dataset == "persons" }
        let withCase = personViews.filter { $0.purpose?.caseID != nil }
        #expect(Double(withCase.count) > 0.7 * Double(personViews.count))
        let searches = events.filter { $0.action == "search" }
        #expect(searches.allSatisfy { $0.query != nil && $0.rows != nil })
    }

    @Test("the stream is lazy: the first events of a huge run come at once")
    func laziness() {
        let simulation = AgencySimulation(config: SimulationConfig(officers: 40, days: 3650, seed: 3))
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(Array(simulation.events().prefix(500)).count == 500)
        }
        #expect(elapsed < .seconds(3))
    }

    @Test("a small run is fast")
    func smallRunIsFast() {
        let clock = ContinuousClock()
        var count = 0
        let elapsed = clock.measure {
            for _ in AgencySimulation(config: SimulationConfig(officers: 20, days: 7, seed: 5)).events() { count += 1 }
        }
        #expect(count > 3_000)
        #expect(elapsed < .seconds(5))
    }
}
