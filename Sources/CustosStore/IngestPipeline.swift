public import CustosCore

/// The single sequencer in front of an ``EventStore``: it queues append requests, commits everything waiting in one
/// durable transaction (group commit), and answers each request once its transaction is on disk.
///
/// The queue is bounded by the number of events waiting; a request that does not fit is refused at once with
/// ``StoreError/Code/overloaded`` (the server answers 503 with `Retry-After`), so memory never grows without bound
/// and nothing is acknowledged before it is durable.
public actor IngestPipeline {
    /// What a pipeline measures, for metrics.
    public struct Observation: Sendable {
        /// Events in the committed transaction.
        public var events: Int
        /// Requests in it.
        public var requests: Int
        /// Seconds the commit took.
        public var seconds: Double
    }

    private struct Pending {
        var events: [AccessEvent]
        var committed: [CommittedEvent]
        var continuation: CheckedContinuation<AppendResult, any Error>
    }

    private let store: any EventStore
    private let capacity: Int
    private let maximumTransactionEvents: Int
    private let clock: @Sendable () -> Timestamp
    private let observe: @Sendable (Observation) -> Void
    private var queue: [Pending] = []
    private var queuedEvents = 0
    private var committing = false

    /// Creates a pipeline.
    /// - Parameters:
    ///   - capacity: the most events that may wait for a commit.
    ///   - maximumTransactionEvents: the most events in one transaction (a larger request still commits whole).
    ///   - clock: the server clock, for `received`.
    ///   - observe: called after every commit (metrics).
    public init(
        store: any EventStore,
        capacity: Int = 100_000,
        maximumTransactionEvents: Int = 20_000,
        clock: @escaping @Sendable () -> Timestamp,
        observe: @escaping @Sendable (Observation) -> Void = { _ in }
    ) {
        self.store = store
        self.capacity = capacity
        self.maximumTransactionEvents = maximumTransactionEvents
        self.clock = clock
        self.observe = observe
    }

    /// The number of events waiting for a commit.
    public var depth: Int { queuedEvents }

    /// Appends one request; returns once it is durable (or refused).
    ///
    /// The request's canonical bodies, salts and commitments are computed here, on the caller's task, so that
    /// concurrent callers do that work in parallel while the writer commits.
    public nonisolated func submit(_ events: [AccessEvent]) async throws -> AppendResult {
        let committed = EventClaims.commit(events)
        return try await enqueue(events, committed)
    }

    private func enqueue(_ events: [AccessEvent], _ committed: [CommittedEvent]) async throws -> AppendResult {
        guard queuedEvents + events.count <= capacity || (queuedEvents == 0 && !committing) else {
            throw StoreError(.overloaded, "the ingest queue is full (\(queuedEvents) events waiting)")
        }
        queuedEvents += events.count
        return try await withCheckedThrowingContinuation { continuation in
            queue.append(Pending(events: events, committed: committed, continuation: continuation))
            if !committing {
                committing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            var take = 0
            var events = 0
            while take < queue.count && (take == 0 || events + queue[take].events.count <= maximumTransactionEvents) {
                events += queue[take].events.count
                take += 1
            }
            let batch = Array(queue.prefix(take))
            queue.removeFirst(take)
            let started = ContinuousClock.now
            do {
                let results = try await store.append(
                    batch.map { $0.events },
                    committed: batch.map { $0.committed },
                    received: clock()
                )
                queuedEvents -= events
                for (pending, result) in zip(batch, results) { pending.continuation.resume(returning: result) }
            } catch {
                queuedEvents -= events
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            observe(Observation(events: events, requests: batch.count, seconds: seconds))
        }
        committing = false
    }
}
