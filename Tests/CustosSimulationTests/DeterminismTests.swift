import CustosCore
import CustosSimulation
import Testing

@Suite("Determinism")
struct DeterminismTests {
    @Test("the same config and seed give byte-identical outputs")
    func sameSeedSameBytes() {
        let config = SimulationConfig(officers: 12, days: 6, seed: 7)
        let first = canonicalOutput(of: AgencySimulation(config: config))
        let second = canonicalOutput(of: AgencySimulation(config: config))
        #expect(first.count > 10_000)
        #expect(first == second)
    }

    @Test("iterating the same simulation twice gives the same events")
    func reiteration() {
        let simulation = AgencySimulation(config: SimulationConfig(officers: 8, days: 3, seed: 11))
        #expect(Array(simulation.events()) == Array(simulation.events()))
    }

    @Test("different seeds give different outputs")
    func differentSeedsDiffer() {
        let a = AgencySimulation(config: SimulationConfig(officers: 12, days: 6, seed: 7))
        let b = AgencySimulation(config: SimulationConfig(officers: 12, days: 6, seed: 8))
        #expect(canonicalOutput(of: a) != canonicalOutput(of: b))
        #expect(a.referenceEntities() != b.referenceEntities())
        #expect(Array(a.events().prefix(50)) != Array(b.events().prefix(50)))
    }

    @Test("the configuration defaults follow the documentation")
    func configDefaults() {
        let config = SimulationConfig(officers: 10, days: 30, seed: 1)
        #expect(config.warmUpDays == 14)
        #expect(SimulationConfig(officers: 10, days: 9, seed: 1).warmUpDays == 4)
        #expect(config.start == Timestamp(millisecondsSinceEpoch: 1_790_812_800_000))
        #expect(config.start.rfc3339 == "2026-10-01T00:00:00.000Z")
    }
}
