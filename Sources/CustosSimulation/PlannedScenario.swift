/// One scenario the planner scheduled: which kind, for whom, on which day and when in their shift.
struct PlannedScenario: Sendable {
    /// The kind injected.
    let kind: ScenarioKind
    /// The acting staff member's index.
    let actor: Int
    /// The simulated day.
    let day: Int
    /// Minutes into the actor's shift at which it starts (for scenarios inside ordinary work).
    let minuteOfShift: Int
    /// A sequence number used to vary details (which watch list, which query).
    let ordinal: Int
    /// A person number chosen when the agency was built (the common-surname subject).
    var targetPerson: Int?
    /// A case index chosen when the agency was built.
    var targetCase: Int?
}
