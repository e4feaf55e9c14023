import CustosCore
import CustosSimulation
import Testing

@Suite("Edge cases")
struct EdgeCaseTests {
    @Test(
        "tiny and unusual configurations produce valid, ordered output",
        arguments: [
            SimulationConfig(officers: 1, days: 1, seed: 1),
            SimulationConfig(officers: 2, days: 2, seed: 2, warmUpDays: 0),
            SimulationConfig(officers: 3, days: 4, seed: 3, misuseRate: 0, benignLookAlikeRate: 0),
            SimulationConfig(officers: 5, days: 3, seed: 4, activityScale: 0),
            SimulationConfig(officers: 4, days: 5, seed: UInt64.max, warmUpDays: 5),
        ]
    )
    func tinyConfigurations(config: SimulationConfig) {
        let simulation = AgencySimulation(config: config)
        let events = Array(simulation.events())
        let validator = EventValidator()
        var previous = Timestamp.minimum
        for event in events {
            #expect(event.time >= previous)
            previous = event.time
            if case .invalid(let issues) = validator.validate(event.jsonValue) { Issue.record("\(issues)") }
        }
        let ids = Set(events.compactMap(\.id))
        #expect(ids.count == events.count)
        for label in simulation.labels() {
            #expect(label.eventIDs.allSatisfy(ids.contains))
        }
        if config.warmUpDays == config.days {
            #expect(simulation.labels().isEmpty)
        }
    }

    @Test("with no post-warm-up day there are no labels, and the warm-up is as long as the run")
    func warmUpOnly() {
        let simulation = AgencySimulation(config: SimulationConfig(officers: 6, days: 3, seed: 9, warmUpDays: 3))
        #expect(simulation.labels().isEmpty)
        #expect(simulation.accountCount >= 6 + 4 + 3)
    }
}
