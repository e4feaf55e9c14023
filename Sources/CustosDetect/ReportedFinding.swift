public import CustosCore

/// A finding as Custos reports it outside the engine — one NDJSON line of `custos rules test`, `custos findings
/// export` and `GET /v1/findings`: `{"rule","title","actor","time","severity","explanation","evidence"}`, so that
/// back-tests and live findings compare line for line.
public struct ReportedFinding: Sendable, Hashable {
    /// The rule's id, else name, else title.
    public var rule: String
    /// The rule's title.
    public var title: String
    /// The actor the finding is about.
    public var actor: String
    /// The time of the latest contributing event (milliseconds since the epoch).
    public var timeMilliseconds: Int64
    /// The rule's level (`medium` when the rule sets none).
    public var severity: String
    /// What happened, in words.
    public var explanation: String
    /// The contributing events' ids (`#<seq>` for an event without a client id).
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

    /// Reports an engine finding. The actor is the correlation's `actor.id` group value, else `matchActor` (the
    /// actor of the event a detection rule matched), else the actor of the first evidence event (`evidenceActor`).
    public init(
        _ finding: Finding,
        matchActor: String?,
        evidenceActor: (EventReference) -> String?,
        evidenceID: (EventReference) -> String?
    ) {
        let groupActor = finding.group.first { $0.field == "actor.id" }?.value
        self.init(
            rule: finding.rule,
            title: finding.title,
            actor: groupActor ?? matchActor ?? finding.evidence.first.flatMap(evidenceActor) ?? "",
            timeMilliseconds: finding.windowEndMilliseconds,
            severity: finding.level ?? "medium",
            explanation: finding.explanation,
            evidence: finding.evidence.map { $0.id ?? evidenceID($0) ?? "#\($0.index)" }
        )
    }

    /// The finding's JSON line.
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
