public import CustosCore

/// Where Custos keeps access events, their indexes and rollups: the contract that the embedded SQLite store and the
/// production PostgreSQL store both fulfil (and that `StoreConformance` in CustosTestKit checks).
///
/// Writes come from one sequencer at a time (the ``IngestPipeline``); reads may run concurrently with them.
public protocol EventStore: Sendable {
    /// Appends the given requests in ONE durable transaction and returns one result per request, in order.
    ///
    /// Each request is atomic: either all its new events are stored (with consecutive `seq`s in request order) or,
    /// if any of its client ids conflicts with a stored event of different content, none is. A refused request does
    /// not affect the others. The call returns only once the transaction is durable on disk.
    func append(_ requests: [[AccessEvent]], received: Timestamp) async throws -> [AppendResult]

    /// ``append(_:received:)`` with each event's canonical body, salts and commitment already computed
    /// (``EventClaims/commit(_:)-([AccessEvent])``, one list per request), so that the sequencer's callers do that
    /// work concurrently, outside the single writer. A store may ignore them and compute its own.
    func append(
        _ requests: [[AccessEvent]],
        committed: [[CommittedEvent]],
        received: Timestamp
    ) async throws
        -> [AppendResult]

    /// Events matching a filter, one page at a time.
    func events(_ query: EventQuery) async throws -> EventPage

    /// One actor's activity grouped by session, newest first.
    func timeline(_ query: TimelineQuery) async throws -> TimelinePage

    /// One session in order: its summary and a page of its events; nil when no event carries that session id.
    func session(_ query: SessionQuery) async throws -> SessionReport?

    /// Who accessed a dataset over a time range, per actor.
    func datasetAccess(_ query: DatasetAccessQuery) async throws -> DatasetAccessReport

    /// Every access to one person's data, one page at a time.
    func subjectAccess(_ query: SubjectAccessQuery) async throws -> EventPage

    /// Counters of the store as a whole.
    func statistics() async throws -> StoreStatistics
}

extension EventStore {
    /// Ignores the precomputed commitments and appends as ``append(_:received:)`` does.
    public func append(
        _ requests: [[AccessEvent]],
        committed: [[CommittedEvent]],
        received: Timestamp
    ) async throws
        -> [AppendResult]
    {
        try await append(requests, received: received)
    }
}

/// The outcome of one append request.
public enum AppendResult: Sendable, Hashable {
    /// The request was accepted; each event's `seq`, in request order (an already stored duplicate keeps its seq).
    case accepted(AppendReceipt)
    /// The request was refused whole: these events reuse a client id with different content.
    case conflict([IDConflict])
}

/// What an accepted request did.
public struct AppendReceipt: Sendable, Hashable {
    /// The `seq` of each event of the request, in request order.
    public var seqs: [Int64]
    /// How many events were newly stored.
    public var stored: Int
    /// How many were already stored with the same content (idempotent retries).
    public var duplicates: Int

    /// Creates a receipt.
    public init(seqs: [Int64], stored: Int, duplicates: Int) {
        self.seqs = seqs
        self.stored = stored
        self.duplicates = duplicates
    }
}

/// An event whose client id is already stored (for the same app) with different content.
public struct IDConflict: Sendable, Hashable {
    /// The event's index in its request.
    public var index: Int
    /// The client id.
    public var id: String
    /// The `seq` of the stored event holding that id.
    public var existingSeq: Int64

    /// Creates a conflict.
    public init(index: Int, id: String, existingSeq: Int64) {
        self.index = index
        self.id = id
        self.existingSeq = existingSeq
    }
}

/// Counters of a store.
public struct StoreStatistics: Sendable, Hashable {
    /// Events stored (equal to the next `seq`).
    public var events: Int64

    /// Creates statistics.
    public init(events: Int64) {
        self.events = events
    }
}
