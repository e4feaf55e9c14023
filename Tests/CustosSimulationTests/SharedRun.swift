import CustosCore
import CustosSimulation

/// One 50-officer × 20-day run, generated once and shared by the tests that inspect a full run.
enum SharedRun {
    static let config = SimulationConfig(officers: 50, days: 20, seed: 2026)
    static let simulation = AgencySimulation(config: config)
    static let events: [AccessEvent] = Array(simulation.events())
    static let labels: [ScenarioLabel] = simulation.labels()
    static let entities: JSONValue = simulation.referenceEntities()
}

/// The canonical bytes of a whole run: entities, then every event, then every label, one per line.
func canonicalOutput(of simulation: AgencySimulation) -> [UInt8] {
    var out = CanonicalJSON.encode(simulation.referenceEntities())
    for event in simulation.events() {
        out.append(0x0A)
        CanonicalJSON.write(event.jsonValue, into: &out)
    }
    for label in simulation.labels() {
        out.append(0x0A)
        CanonicalJSON.write(label.jsonValue, into: &out)
    }
    return out
}
