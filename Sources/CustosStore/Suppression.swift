public import CustosCore

/// A time-boxed, owned silence of one rule for one user: while active, that rule's findings about that user are
/// stored but join no alert.
public struct Suppression: Sendable, Hashable {
    /// The id (0 before it is stored).
    public var id: Int64
    /// The rule.
    public var rule: String
    /// The monitored user.
    public var actor: String
    /// Who created it (never the same as `actor`).
    public var owner: String
    /// Why.
    public var reason: String
    /// When it was created.
    public var created: Timestamp
    /// When it expires.
    public var expires: Timestamp
    /// When it was lifted early, if it was.
    public var lifted: Timestamp?

    /// Creates a suppression.
    public init(
        id: Int64 = 0,
        rule: String,
        actor: String,
        owner: String,
        reason: String,
        created: Timestamp,
        expires: Timestamp,
        lifted: Timestamp? = nil
    ) {
        self.id = id
        self.rule = rule
        self.actor = actor
        self.owner = owner
        self.reason = reason
        self.created = created
        self.expires = expires
        self.lifted = lifted
    }

    /// Whether it holds findings back at `time`.
    public func isActive(at time: Timestamp) -> Bool { lifted == nil && time < expires }
}
