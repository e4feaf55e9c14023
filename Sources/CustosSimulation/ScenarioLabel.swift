import CustosCore

/// The ground truth for one injected scenario: what happened, who did it, when, and exactly which events belong to
/// it. Misuse labels have `benign == false`; labelled look-alikes have `benign == true`.
public struct ScenarioLabel: Sendable, Hashable {
    /// The scenario kind.
    public var scenario: ScenarioKind
    /// The acting user id (`officer-0042`).
    public var actor: String
    /// The time of the first labelled event.
    public var start: Timestamp
    /// The time of the last labelled event.
    public var end: Timestamp
    /// The ids of the labelled events, in generation order.
    public var eventIDs: [String]
    /// Scenario-specific facts (`watch_list`, `case`, `target`, …), as strings.
    public var details: [(String, String)]

    /// Whether this is a benign look-alike rather than misuse.
    public var benign: Bool { scenario.isBenign }

    /// Creates a label.
    public init(
        scenario: ScenarioKind,
        actor: String,
        start: Timestamp,
        end: Timestamp,
        eventIDs: [String],
        details: [(String, String)] = []
    ) {
        self.scenario = scenario
        self.actor = actor
        self.start = start
        self.end = end
        self.eventIDs = eventIDs
        self.details = details
    }

    /// The label as one labels.ndjson line: `{"scenario", "actor", "start", "end", "event_ids", "benign",
    /// "details"}` (details only when there are any).
    public var jsonValue: JSONValue {
        var o = JSONObject()
        o["scenario"] = .string(scenario.rawValue)
        o["actor"] = .string(actor)
        o["start"] = .string(start.rfc3339)
        o["end"] = .string(end.rfc3339)
        o["event_ids"] = .array(eventIDs.map { .string($0) })
        o["benign"] = .bool(benign)
        if !details.isEmpty { o["details"] = .object(JSONObject(details.map { ($0.0, .string($0.1)) })) }
        return .object(o)
    }

    /// Labels are equal when their JSON forms are.
    public static func == (lhs: ScenarioLabel, rhs: ScenarioLabel) -> Bool {
        lhs.jsonValue == rhs.jsonValue
    }

    /// Hashes the JSON form.
    public func hash(into hasher: inout Hasher) { hasher.combine(jsonValue) }
}
