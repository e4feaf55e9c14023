public import CustosCore

/// One processed run of events: the findings they produced and the state after them, committed together.
public struct DetectionStep: Sendable {
    /// The findings, in the order they were produced.
    public var findings: [NewFinding]
    /// The state after the step (its `coveredSeq` is the last event processed), or nil when this step leaves the
    /// saved state as it is (the service saves it every so many events; a restart replays the events after it, and
    /// their findings, already stored under the same `producedAt` and `ordinal`, are not stored again).
    public var checkpoint: DetectionCheckpoint?
    /// The time of processing: suppressions active at this time apply.
    public var now: Timestamp

    /// Creates a step.
    public init(findings: [NewFinding], checkpoint: DetectionCheckpoint?, now: Timestamp) {
        self.findings = findings
        self.checkpoint = checkpoint
        self.now = now
    }
}

/// A finding about to be stored.
public struct NewFinding: Sendable, Hashable {
    /// The `seq` of the event whose processing produced it.
    public var producedAt: Int64
    /// Its position among the findings of that event (with `producedAt`, a unique key).
    public var ordinal: Int
    /// The finding source (`sigma`, …).
    public var source: String
    /// `match` or `correlation`.
    public var kind: String
    /// The rule's id, else name, else title.
    public var rule: String
    /// The rule's title.
    public var title: String
    /// The rule's version (its `modified` date, else `date`), if any.
    public var ruleVersion: String?
    /// The actor it is about.
    public var actor: String
    /// The actor's pseudonym.
    public var pseudonym: String
    /// The time of the latest contributing event.
    public var time: Timestamp
    /// informational, low, medium, high or critical.
    public var severity: String
    /// What happened, in words.
    public var explanation: String
    /// The contributing events.
    public var evidence: [FindingEvidence]

    /// Creates a finding.
    public init(
        producedAt: Int64,
        ordinal: Int,
        source: String,
        kind: String,
        rule: String,
        title: String,
        ruleVersion: String?,
        actor: String,
        pseudonym: String,
        time: Timestamp,
        severity: String,
        explanation: String,
        evidence: [FindingEvidence]
    ) {
        self.producedAt = producedAt
        self.ordinal = ordinal
        self.source = source
        self.kind = kind
        self.rule = rule
        self.title = title
        self.ruleVersion = ruleVersion
        self.actor = actor
        self.pseudonym = pseudonym
        self.time = time
        self.severity = severity
        self.explanation = explanation
        self.evidence = evidence
    }
}

/// One event cited by a finding: its `seq` (provable with the ledger's inclusion proof) and its report id (the
/// client id, else `#<seq>`).
public struct FindingEvidence: Sendable, Hashable {
    /// The event's ledger index.
    public var seq: Int64
    /// The client id, else `#<seq>`.
    public var id: String

    /// Creates evidence.
    public init(seq: Int64, id: String) {
        self.seq = seq
        self.id = id
    }
}
