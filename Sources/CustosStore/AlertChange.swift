/// What happened to an alert, as the detection service and triage report it to listeners (webhooks).
public struct AlertChange: Sendable, Hashable {
    /// What changed.
    public enum Kind: String, Sendable, Hashable {
        /// A new alert was opened.
        case opened
        /// A finding joined an existing alert.
        case findingAdded = "finding_added"
        /// A triage action changed it.
        case triaged
    }

    /// The alert after the change.
    public var alert: Alert
    /// What changed.
    public var kind: Kind
    /// The finding that caused it, for `opened` and `finding_added`.
    public var findingID: Int64?

    /// Creates a change.
    public init(alert: Alert, kind: Kind, findingID: Int64? = nil) {
        self.alert = alert
        self.kind = kind
        self.findingID = findingID
    }
}
