import CustosCore

/// A deterministic simulation of an agency whose staff search, view and export records about people: the
/// workload for demos, tests, benchmarks and detection-quality measurement.
///
/// Build one from a ``SimulationConfig``, then take its three outputs: ``referenceEntities()`` (the directory,
/// cases, watch lists and datasets as Cedar entities), ``events()`` (a lazy, time-ordered stream of access events)
/// and ``labels()`` (the ground truth of every injected scenario). The same configuration always yields the same
/// outputs, byte for byte; the type does no I/O.
public struct AgencySimulation: Sendable {
    /// The configuration of the run.
    public let config: SimulationConfig
    let agency: Agency

    /// Builds the agency (staff, cases, persons, watch lists, scenario plan); generates no events yet.
    public init(config: SimulationConfig) {
        self.config = config
        self.agency = Agency(config: config)
    }

    /// The reference data as a Cedar entities JSON array (`[{"uid", "attrs", "parents"}, …]`): roles, org units,
    /// watch lists, datasets, users, cases and persons. docs/simulation.md lists every type and attribute.
    public func referenceEntities() -> JSONValue { agency.entitiesJSON() }

    /// Every event of the run, lazily, in non-decreasing time order; memory stays around one simulated day.
    public func events() -> SimulatedEventStream { SimulatedEventStream(agency: agency) }

    /// The ground truth: one label per injected misuse scenario and per labelled benign look-alike, ordered by start.
    /// Computed by regenerating only the account-days that hold scenarios, so it is cheap even for long runs.
    public func labels() -> [ScenarioLabel] { agency.allLabels() }

    /// How many accounts the directory holds (officers, support staff and service accounts).
    public var accountCount: Int { agency.staff.count }

    /// How many cases the casebook holds.
    public var caseCount: Int { agency.cases.count }

    /// How many persons the records hold.
    public var personCount: Int { agency.persons.count }
}
