public import CustosCore

/// The integer keys a store indexes an event by (``StableHash`` of its text fields), computed once per event on the
/// submitter's task so that the single writer only binds them.
public struct EventIndexKeys: Sendable, Hashable {
    /// The hash of `actor.id`.
    public var actor: Int64
    /// The hash of `actor.session`, when there is one.
    public var session: Int64?
    /// The hash of `action`.
    public var action: Int64
    /// The hash of `resource.dataset`, when there is one.
    public var dataset: Int64?
    /// The hash of `resource.id`, when there is one.
    public var resource: Int64?
    /// The hash of `app`.
    public var app: Int64
    /// The hash of `app` and the client id together (``StableHash/of(_:_:)``), when the event has a client id.
    public var clientID: Int64?
    /// The hashes of the distinct subjects, ascending.
    public var subjects: [Int64]

    /// The keys of `event`.
    public init(_ event: AccessEvent) {
        actor = StableHash.of(event.actor.id)
        session = event.actor.session.map(StableHash.of)
        action = StableHash.of(event.action)
        dataset = event.resource?.dataset.map(StableHash.of)
        resource = event.resource?.id.map(StableHash.of)
        app = StableHash.of(event.app)
        clientID = event.id.map { StableHash.of(event.app, $0) }
        var subjects = event.subjects.map(StableHash.of)
        subjects.sort()
        var unique = 0
        for i in subjects.indices where i == 0 || subjects[i] != subjects[unique - 1] {
            subjects[unique] = subjects[i]
            unique += 1
        }
        subjects.removeLast(subjects.count - unique)
        self.subjects = subjects
    }
}
