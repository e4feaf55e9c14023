/// One access to data about people, as a host application reports it: who did what, to which records, about whom,
/// why, and with what outcome. The schema is documented in docs/events.md.
public struct AccessEvent: Sendable, Hashable {
    /// The client's idempotency key, unique per `app`; nil when the client sent none.
    public var id: String?
    /// When the access happened, by the host's clock.
    public var time: Timestamp
    /// Who acted.
    public var actor: Actor
    /// What was done: a host verb (`search`, `view`, …), a host's own verb under its prefix (`casebook.merge`),
    /// `authorize`, or `custos.*` for what overseers do inside Custos.
    public var action: String
    /// The record or collection acted on.
    public var resource: Resource?
    /// The people whose data was touched.
    public var subjects: [String]
    /// The query text of a search.
    public var query: String?
    /// How many rows the access returned or wrote.
    public var rows: Int64?
    /// How many bytes the access returned or wrote.
    public var bytes: Int64?
    /// The case or reason the actor gave.
    public var purpose: Purpose?
    /// How the access ended.
    public var outcome: Outcome
    /// The host application that reported the event.
    public var app: String
    /// The id of the policy decision this access followed, if any.
    public var decision: String?
    /// Extra host-specific fields.
    public var attributes: JSONObject?

    /// Creates an event.
    public init(
        id: String? = nil,
        time: Timestamp,
        actor: Actor,
        action: String,
        resource: Resource? = nil,
        subjects: [String] = [],
        query: String? = nil,
        rows: Int64? = nil,
        bytes: Int64? = nil,
        purpose: Purpose? = nil,
        outcome: Outcome = .success,
        app: String,
        decision: String? = nil,
        attributes: JSONObject? = nil
    ) {
        self.id = id
        self.time = time
        self.actor = actor
        self.action = action
        self.resource = resource
        self.subjects = subjects
        self.query = query
        self.rows = rows
        self.bytes = bytes
        self.purpose = purpose
        self.outcome = outcome
        self.app = app
        self.decision = decision
        self.attributes = attributes
    }
}

/// The person or service account that performed an access.
public struct Actor: Sendable, Hashable {
    /// The actor's id in the directory (`officer-4411`).
    public var id: String
    /// A display name.
    public var name: String?
    /// The roles the actor held when acting.
    public var roles: [String]
    /// The org unit, as a path (`fo/minneapolis`).
    public var org: String?
    /// The host's session id.
    public var session: String?
    /// The client IP address.
    public var ip: String?
    /// The device used.
    public var device: String?

    /// Creates an actor.
    public init(
        id: String,
        name: String? = nil,
        roles: [String] = [],
        org: String? = nil,
        session: String? = nil,
        ip: String? = nil,
        device: String? = nil
    ) {
        self.id = id
        self.name = name
        self.roles = roles
        self.org = org
        self.session = session
        self.ip = ip
        self.device = device
    }
}

/// The record or collection an access touched.
public struct Resource: Sendable, Hashable {
    /// The kind of resource (`record`, `report`, `table`).
    public var type: String?
    /// The resource's id in the host (`persons/123`).
    public var id: String?
    /// The dataset it belongs to (`persons`).
    public var dataset: String?
    /// Sensitivity labels (`pii`, `restricted`).
    public var labels: [String]

    /// Creates a resource.
    public init(type: String? = nil, id: String? = nil, dataset: String? = nil, labels: [String] = []) {
        self.type = type
        self.id = id
        self.dataset = dataset
        self.labels = labels
    }
}

/// The case or reason an actor gave for an access.
public struct Purpose: Sendable, Hashable {
    /// The case id (`C-2024-0001`).
    public var caseID: String?
    /// The free-text reason.
    public var reason: String?

    /// Creates a purpose.
    public init(caseID: String? = nil, reason: String? = nil) {
        self.caseID = caseID
        self.reason = reason
    }
}

/// How an access ended.
public enum Outcome: String, Sendable, Hashable, CaseIterable {
    /// The access happened (for `authorize`: the request was allowed).
    case success
    /// The access was refused.
    case denied
    /// The access failed for another reason.
    case failure
}

/// An event as the store holds it: the reported event plus what Custos assigned on commit.
public struct StoredEvent: Sendable, Hashable {
    /// The ledger index: gapless, strictly increasing from 0 in commit order.
    public var seq: Int64
    /// When Custos received the event (server clock).
    public var received: Timestamp
    /// The event as reported.
    public var event: AccessEvent

    /// Creates a stored event.
    public init(seq: Int64, received: Timestamp, event: AccessEvent) {
        self.seq = seq
        self.received = received
        self.event = event
    }
}
