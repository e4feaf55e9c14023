public import CustosCore

/// One user's alert: the findings about them gathered while it is open, with a counter, a risk score summing the
/// findings' weights (``AlertSeverity/weight``), the highest severity, and its triage state.
public struct Alert: Sendable, Hashable {
    /// The alert's id.
    public var id: Int64
    /// The monitored user.
    public var actor: String
    /// The user's pseudonym (shown instead of the name by default).
    public var pseudonym: String
    /// Open, acknowledged or resolved.
    public var status: AlertStatus
    /// The highest severity of its findings.
    public var severity: AlertSeverity
    /// The sum of its findings' weights.
    public var riskScore: Int64
    /// How many findings joined it.
    public var findingCount: Int64
    /// The rules that fired, sorted.
    public var rules: [String]
    /// The earliest finding time.
    public var firstSeen: Timestamp
    /// The latest finding time.
    public var lastSeen: Timestamp
    /// Who it is assigned to, if anyone.
    public var assignee: String?
    /// How it was resolved (set while resolved).
    public var disposition: Disposition?
    /// When it was opened.
    public var created: Timestamp
    /// When it last changed.
    public var updated: Timestamp

    /// Creates an alert.
    public init(
        id: Int64,
        actor: String,
        pseudonym: String,
        status: AlertStatus,
        severity: AlertSeverity,
        riskScore: Int64,
        findingCount: Int64,
        rules: [String],
        firstSeen: Timestamp,
        lastSeen: Timestamp,
        assignee: String?,
        disposition: Disposition?,
        created: Timestamp,
        updated: Timestamp
    ) {
        self.id = id
        self.actor = actor
        self.pseudonym = pseudonym
        self.status = status
        self.severity = severity
        self.riskScore = riskScore
        self.findingCount = findingCount
        self.rules = rules
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.assignee = assignee
        self.disposition = disposition
        self.created = created
        self.updated = updated
    }
}

/// Where an alert is in triage.
public enum AlertStatus: String, Sendable, Hashable, CaseIterable {
    /// New findings join it; nobody has looked yet.
    case open
    /// Someone is looking; new findings still join it.
    case acknowledged
    /// Closed with a disposition; new findings about the user open a new alert.
    case resolved
}

/// How a resolved alert was judged.
public enum Disposition: String, Sendable, Hashable, CaseIterable {
    /// The behaviour was real misuse.
    case truePositive = "true_positive"
    /// The behaviour happened and was legitimate.
    case benign
    /// The rule fired wrongly.
    case falsePositive = "false_positive"
}

/// A finding's or alert's severity, from the rule's Sigma `level`, with its weight in the alert's risk score.
public enum AlertSeverity: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Weight 1.
    case informational
    /// Weight 2.
    case low
    /// Weight 5.
    case medium
    /// Weight 10.
    case high
    /// Weight 25.
    case critical

    /// The severity of a level name; unknown names count as medium.
    public init(level: String) {
        self = AlertSeverity(rawValue: level.lowercased()) ?? .medium
    }

    /// What one finding of this severity adds to its alert's risk score: weak signals add up, so five low findings
    /// weigh as much as one high one.
    public var weight: Int64 {
        switch self {
        case .informational: 1
        case .low: 2
        case .medium: 5
        case .high: 10
        case .critical: 25
        }
    }

    /// The order from informational (0) to critical (4).
    public var rank: Int { Self.allCases.firstIndex(of: self) ?? 2 }

    public static func < (a: AlertSeverity, b: AlertSeverity) -> Bool { a.rank < b.rank }
}
