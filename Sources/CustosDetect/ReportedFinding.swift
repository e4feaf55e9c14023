public import CustosCore

/// A finding as Custos reports it to people and tools — one line of `custos rules test`, one entry of a back-test:
/// `{"rule","title","actor","time","severity","explanation","evidence":[event ids]}`.
public struct ReportedFinding: Sendable, Hashable {
    /// The rule's id (or name, or title).
    public var rule: String
    /// The rule's title.
    public var title: String
    /// The actor the finding is about (the `actor.id` group, else the actor of its first evidence event).
    public var actor: String
    /// The latest contributing event's time, in milliseconds since the epoch.
    public var timeMilliseconds: Int64
    /// The rule's level (`medium` when it has none).
    public var severity: String
    /// The plain-language explanation.
    public var explanation: String
    /// The contributing events' client ids (`#<seq>` for an event without one).
    public var evidence: [String]

    /// Creates a reported finding.
    public init(
        rule: String,
        title: String,
        actor: String,
        timeMilliseconds: Int64,
        severity: String,
        explanation: String,
        evidence: [String]
    ) {
        self.rule = rule
        self.title = title
        self.actor = actor
        self.timeMilliseconds = timeMilliseconds
        self.severity = severity
        self.explanation = explanation
        self.evidence = evidence
    }

    /// The finding as its JSON object, members in the documented order.
    public var jsonValue: JSONValue {
        .object(
            JSONObject([
                ("rule", .string(rule)),
                ("title", .string(title)),
                ("actor", .string(actor)),
                ("time", .string(Timestamp(millisecondsSinceEpoch: timeMilliseconds).rfc3339)),
                ("severity", .string(severity)),
                ("explanation", .string(explanation)),
                ("evidence", .array(evidence.map { .string($0) })),
            ])
        )
    }
}
