import CustosCore

/// The simulated agency: its staff, cases, persons and watch lists, and the scenarios planned into its activity.
/// Built once from a ``SimulationConfig``; everything else (events, labels, entities) is derived from it.
struct Agency: Sendable {
    /// The configuration the agency was built from.
    let config: SimulationConfig
    /// Every account: humans first (officers, supervisors, analysts, records clerks, IT admins), then services.
    let staff: [StaffMember]
    /// Every case.
    let cases: [CaseFile]
    /// The persons the records are about.
    let persons: PersonRegistry
    /// The members (person numbers) of each watch list.
    let watchLists: [WatchListKind: [Int]]
    /// The watch list of each watch-listed person.
    let watchListOfPerson: [Int: WatchListKind]
    /// Every planned scenario, in planning order.
    let scenarios: [PlannedScenario]
    /// The planned scenarios by `(day, actor)` key (see ``userDayKey(day:actor:)``).
    let scenariosByUserDay: [Int: [PlannedScenario]]
    /// Indexes of the case files per office.
    let casesByOffice: [[Int]]

    /// The key of one actor's day in ``scenariosByUserDay``.
    static func userDayKey(day: Int, actor: Int) -> Int { day &* 1_000_003 &+ actor }

    /// Builds the agency for `config`.
    init(config: SimulationConfig) {
        var builder = AgencyBuilder(config: config)
        builder.build()
        self.config = config
        self.staff = builder.staff
        self.cases = builder.cases
        self.persons = builder.persons
        self.watchLists = builder.watchLists
        var byPerson: [Int: WatchListKind] = [:]
        for kind in WatchListKind.allCases {
            for p in builder.watchLists[kind] ?? [] { byPerson[p] = kind }
        }
        self.watchListOfPerson = byPerson
        self.scenarios = builder.scenarios
        var byUserDay: [Int: [PlannedScenario]] = [:]
        for s in builder.scenarios { byUserDay[Self.userDayKey(day: s.day, actor: s.actor), default: []].append(s) }
        self.scenariosByUserDay = byUserDay
        var byOffice = Array(repeating: [Int](), count: FieldOffice.all.count)
        for c in builder.cases { byOffice[c.officeIndex].append(c.index) }
        self.casesByOffice = byOffice
    }

    /// The UTC millisecond at which simulated day `day` begins at local midnight in office `officeIndex`.
    func localMidnight(day: Int, officeIndex: Int) -> Int64 {
        config.start.millisecondsSinceEpoch + Int64(day) * 86_400_000
            - Int64(FieldOffice.all[officeIndex].utcOffsetMinutes) * 60_000
    }

    /// The earliest instant any event of simulated day `day` may have: local midnight in the easternmost office.
    func earliestInstant(ofDay day: Int) -> Int64 {
        config.start.millisecondsSinceEpoch + Int64(day) * 86_400_000
            - Int64(FieldOffice.easternmostOffsetMinutes) * 60_000
    }

    /// Whether simulated day `day` is a Saturday or Sunday.
    func isWeekend(day: Int) -> Bool {
        let weekday = (config.start.dayNumber + Int64(day) + 4) % 7  // 0 = Sunday
        return weekday == 0 || weekday == 6
    }

    /// Whether `person` is on no watch list and is not a subject of any of `caseIndexes`.
    func isUnrelated(person: Int, to caseIndexes: [Int]) -> Bool {
        if watchListOfPerson[person] != nil { return false }
        for c in caseIndexes where cases[c].subjects.contains(person) { return false }
        return true
    }
}
