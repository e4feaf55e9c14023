import CustosCore
import CustosDetect

/// Builders shared by the tests.
enum TestSupport {
    static let baseTime: Int64 = 1_795_000_000_000

    /// An access event with the given fields.
    static func event(
        id: String? = nil,
        at offsetSeconds: Int64 = 0,
        actor: String = "officer-1",
        roles: [String] = ["analyst"],
        ip: String? = "10.1.2.3",
        action: String = "search",
        dataset: String? = "persons",
        labels: [String] = [],
        subjects: [String] = [],
        query: String? = nil,
        rows: Int64? = nil,
        caseID: String? = nil,
        outcome: Outcome = .success,
        attributes: JSONObject? = nil
    ) -> AccessEvent {
        AccessEvent(
            id: id,
            time: Timestamp(millisecondsSinceEpoch: baseTime + offsetSeconds * 1000),
            actor: Actor(id: actor, name: "Officer", roles: roles, org: "fo/minneapolis", ip: ip),
            action: action,
            resource: dataset.map { Resource(type: "table", id: "\($0)/1", dataset: $0, labels: labels) },
            subjects: subjects,
            query: query,
            rows: rows,
            purpose: caseID.map { Purpose(caseID: $0, reason: "investigation") },
            outcome: outcome,
            app: "casebook",
            attributes: attributes
        )
    }

    /// A detection event around an access event.
    static func detectionEvent(
        _ event: AccessEvent,
        seq: Int64? = nil,
        enrichment: JSONObject = JSONObject()
    )
        -> DetectionEvent
    {
        DetectionEvent(event: event, seq: seq, enrichment: enrichment)
    }

    /// A rule with one selection and `condition: selection`, compiled.
    static func matcher(_ selection: String, file: String = "test.yml") throws -> RuleMatcher {
        try RuleMatcher(rule: SigmaParser.parseRule(rule(selection), file: file))
    }

    /// The text of a rule with the given detection body (indented under `detection:`).
    static func rule(_ selection: String, condition: String = "selection", title: String = "Test rule") -> String {
        let body = selection.split(separator: "\n", omittingEmptySubsequences: false).map { "        " + $0 }
        return """
            title: \(title)
            id: 11111111-1111-4111-8111-111111111111
            logsource:
                product: custos
            detection:
                selection:
            \(body.joined(separator: "\n"))
                condition: \(condition)
            level: high
            """
    }

    /// Whether a one-selection rule matches an event.
    static func matches(_ selection: String, _ event: AccessEvent, enrichment: JSONObject = JSONObject()) throws -> Bool
    {
        try matcher(selection).matches(detectionEvent(event, enrichment: enrichment))
    }
}
