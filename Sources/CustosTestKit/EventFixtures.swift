public import CustosCore

/// Builders of realistic access events for tests.
public enum EventFixtures {
    /// A base time for fixtures: 2026-11-23T08:00:00Z.
    public static let baseTime = Timestamp(millisecondsSinceEpoch: 1_795_420_800_000)

    /// One event with sensible defaults; override what the test is about.
    public static func event(
        id: String? = nil,
        minutes: Int64 = 0,
        actor: String = "officer-1",
        session: String? = "s-1",
        action: String = "view",
        dataset: String? = "persons",
        resource: String? = "persons/1",
        subjects: [String] = ["person:1"],
        rows: Int64? = 1,
        bytes: Int64? = 100,
        outcome: Outcome = .success,
        app: String = "casebook",
        caseID: String? = "C-1"
    ) -> AccessEvent {
        AccessEvent(
            id: id,
            time: Timestamp(millisecondsSinceEpoch: baseTime.millisecondsSinceEpoch + minutes * 60_000),
            actor: Actor(
                id: actor,
                name: "Officer \(actor)",
                roles: ["analyst"],
                org: "fo/minneapolis",
                session: session,
                ip: "10.1.2.3",
                device: "laptop-22"
            ),
            action: action,
            resource: dataset == nil && resource == nil
                ? nil : Resource(type: "record", id: resource, dataset: dataset, labels: ["pii"]),
            subjects: subjects,
            query: action == "search" ? "surname = 'Garcia'" : nil,
            rows: rows,
            bytes: bytes,
            purpose: caseID.map { Purpose(caseID: $0, reason: "investigation") },
            outcome: outcome,
            app: app
        )
    }

    /// `count` events numbered from `start`, with ids `e-<n>`, spread one per minute.
    public static func numbered(_ count: Int, from start: Int = 0, actor: String = "officer-1") -> [AccessEvent] {
        (start..<start + count).map { n in
            event(id: "e-\(n)", minutes: Int64(n), actor: actor, resource: "persons/\(n)", subjects: ["person:\(n)"])
        }
    }
}
