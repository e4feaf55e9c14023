public import CustosCore

/// A filter over alerts, newest first.
public struct AlertQuery: Sendable, Hashable {
    /// Only alerts in this status.
    public var status: AlertStatus?
    /// Only alerts of this severity.
    public var severity: AlertSeverity?
    /// Only alerts one of whose findings is of this rule.
    public var rule: String?
    /// Only alerts assigned to this owner.
    public var assignee: String?
    /// Only alerts whose latest finding is at or after this time.
    public var since: Timestamp?
    /// Only alerts whose latest finding is before this time.
    public var until: Timestamp?
    /// Continue below this alert id.
    public var cursor: Int64?
    /// The most alerts in one page.
    public var limit: Int

    /// Creates a query.
    public init(
        status: AlertStatus? = nil,
        severity: AlertSeverity? = nil,
        rule: String? = nil,
        assignee: String? = nil,
        since: Timestamp? = nil,
        until: Timestamp? = nil,
        cursor: Int64? = nil,
        limit: Int = 100
    ) {
        self.status = status
        self.severity = severity
        self.rule = rule
        self.assignee = assignee
        self.since = since
        self.until = until
        self.cursor = cursor
        self.limit = limit
    }
}

/// A page of alerts.
public struct AlertPage: Sendable, Hashable {
    /// The alerts, newest first.
    public var alerts: [Alert]
    /// The cursor of the next page, nil on the last.
    public var nextCursor: Int64?

    /// Creates a page.
    public init(alerts: [Alert], nextCursor: Int64?) {
        self.alerts = alerts
        self.nextCursor = nextCursor
    }
}
