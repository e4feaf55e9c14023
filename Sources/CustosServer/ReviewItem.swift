public import CustosCore

/// An after-the-fact review of an emergency access: opened when a `@break_glass` policy alone allowed a request,
/// closed by an overseer with an outcome.
public struct ReviewItem: Sendable, Hashable {
    /// The review's id (`rev-…`).
    public var id: String
    /// The `decision_id` of the decision under review.
    public var decisionID: String
    /// When the decision was made.
    public var openedAt: Timestamp
    /// The principal, action and resource as Cedar literals.
    public var principal: String
    /// The Cedar action literal.
    public var action: String
    /// The resource literal.
    public var resource: String
    /// The break-glass policy that decided.
    public var policy: String
    /// The asking application.
    public var app: String
    /// The purpose the request gave (`purpose.case`, `purpose.reason`), if any.
    public var purpose: Purpose?
    /// When it was closed; nil while open.
    public var closedAt: Timestamp?
    /// Who closed it (the API key's owner).
    public var closedBy: String?
    /// The overseer's finding: `justified`, `unjustified` or `inconclusive`.
    public var outcome: String?
    /// The overseer's note.
    public var note: String?

    /// The findings a review may be closed with.
    public static let outcomes: Set<String> = ["justified", "unjustified", "inconclusive"]

    /// Whether the review is still open.
    public var isOpen: Bool { closedAt == nil }

    /// The review as JSON (snake_case members; closing members only once closed).
    public var json: JSONValue {
        var o = JSONObject([
            ("id", .string(id)), ("status", .string(isOpen ? "open" : "closed")),
            ("decision_id", .string(decisionID)), ("opened_at", .string(openedAt.description)),
            ("principal", .string(principal)), ("action", .string(action)), ("resource", .string(resource)),
            ("policy", .string(policy)), ("app", .string(app)),
        ])
        if let purpose {
            var p = JSONObject()
            if let c = purpose.caseID { p["case"] = .string(c) }
            if let r = purpose.reason { p["reason"] = .string(r) }
            o["purpose"] = .object(p)
        }
        if let closedAt { o["closed_at"] = .string(closedAt.description) }
        if let closedBy { o["closed_by"] = .string(closedBy) }
        if let outcome { o["outcome"] = .string(outcome) }
        if let note { o["note"] = .string(note) }
        return .object(o)
    }

    /// Reads a review written by ``json``; nil when a required member is missing.
    init?(json: JSONValue) {
        guard case .object(let o) = json,
            case .string(let id)? = o["id"], case .string(let decisionID)? = o["decision_id"],
            case .string(let opened)? = o["opened_at"], case .success(let openedAt) = Timestamp.parse(opened),
            case .string(let principal)? = o["principal"], case .string(let action)? = o["action"],
            case .string(let resource)? = o["resource"], case .string(let policy)? = o["policy"],
            case .string(let app)? = o["app"]
        else { return nil }
        self.init(
            id: id,
            decisionID: decisionID,
            openedAt: openedAt,
            principal: principal,
            action: action,
            resource: resource,
            policy: policy,
            app: app
        )
        if case .object(let p)? = o["purpose"] {
            purpose = Purpose(caseID: p["case"]?.stringValue, reason: p["reason"]?.stringValue)
        }
        if case .string(let closed)? = o["closed_at"], case .success(let t) = Timestamp.parse(closed) { closedAt = t }
        closedBy = o["closed_by"]?.stringValue
        outcome = o["outcome"]?.stringValue
        note = o["note"]?.stringValue
    }

    /// Creates an open review.
    public init(
        id: String,
        decisionID: String,
        openedAt: Timestamp,
        principal: String,
        action: String,
        resource: String,
        policy: String,
        app: String,
        purpose: Purpose? = nil
    ) {
        self.id = id
        self.decisionID = decisionID
        self.openedAt = openedAt
        self.principal = principal
        self.action = action
        self.resource = resource
        self.policy = policy
        self.app = app
        self.purpose = purpose
    }
}
