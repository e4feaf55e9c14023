/// A finding as stored: the finding with its id and what became of it.
public struct StoredFinding: Sendable, Hashable {
    /// The finding's id (increasing in the order found).
    public var id: Int64
    /// The finding.
    public var finding: NewFinding
    /// The alert it joined; nil when it was suppressed.
    public var alertID: Int64?
    /// The suppression that held it back, if any.
    public var suppressionID: Int64?

    /// Creates a stored finding.
    public init(id: Int64, finding: NewFinding, alertID: Int64?, suppressionID: Int64?) {
        self.id = id
        self.finding = finding
        self.alertID = alertID
        self.suppressionID = suppressionID
    }
}
