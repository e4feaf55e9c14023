import CustosCore
import CustosStore

/// Fault injection for overload tests: the real store, whose appends wait until the test opens a gate.
actor StoreGate {
    private var isOpen = false
    private var blocked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func pass() async {
        blocked = true
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func waitUntilBlocked() async throws {
        for _ in 0..<1000 where !blocked { try await Task.sleep(for: .milliseconds(10)) }
        if !blocked { throw CancellationError() }
    }

    func open() {
        isOpen = true
        for w in waiters { w.resume() }
        waiters.removeAll()
    }
}

/// The real SQLite store behind a gate.
struct GatedStore: EventStore, KeyStore {
    let inner: any EventStore & KeyStore
    let gate: StoreGate

    func append(_ requests: [[AccessEvent]], received: Timestamp) async throws -> [AppendResult] {
        await gate.pass()
        return try await inner.append(requests, received: received)
    }

    func events(_ query: EventQuery) async throws -> EventPage { try await inner.events(query) }
    func timeline(_ query: TimelineQuery) async throws -> TimelinePage { try await inner.timeline(query) }
    func session(_ query: SessionQuery) async throws -> SessionReport? { try await inner.session(query) }
    func datasetAccess(_ query: DatasetAccessQuery) async throws -> DatasetAccessReport {
        try await inner.datasetAccess(query)
    }
    func subjectAccess(_ query: SubjectAccessQuery) async throws -> EventPage { try await inner.subjectAccess(query) }
    func statistics() async throws -> StoreStatistics { try await inner.statistics() }
    func insertKey(_ key: APIKeyRecord) async throws { try await inner.insertKey(key) }
    func key(id: String) async throws -> APIKeyRecord? { try await inner.key(id: id) }
    func allKeys() async throws -> [APIKeyRecord] { try await inner.allKeys() }
    func revokeKey(id: String, at time: Timestamp) async throws -> Bool { try await inner.revokeKey(id: id, at: time) }
}

/// The real SQLite store whose appends always fail, for fail-closed tests.
struct FailingStore: EventStore, KeyStore {
    let inner: any EventStore & KeyStore

    func append(_ requests: [[AccessEvent]], received: Timestamp) async throws -> [AppendResult] {
        throw StoreError(.unavailable, "the disk is gone")
    }

    func events(_ query: EventQuery) async throws -> EventPage { try await inner.events(query) }
    func timeline(_ query: TimelineQuery) async throws -> TimelinePage { try await inner.timeline(query) }
    func session(_ query: SessionQuery) async throws -> SessionReport? { try await inner.session(query) }
    func datasetAccess(_ query: DatasetAccessQuery) async throws -> DatasetAccessReport {
        try await inner.datasetAccess(query)
    }
    func subjectAccess(_ query: SubjectAccessQuery) async throws -> EventPage { try await inner.subjectAccess(query) }
    func statistics() async throws -> StoreStatistics { try await inner.statistics() }
    func insertKey(_ key: APIKeyRecord) async throws { try await inner.insertKey(key) }
    func key(id: String) async throws -> APIKeyRecord? { try await inner.key(id: id) }
    func allKeys() async throws -> [APIKeyRecord] { try await inner.allKeys() }
    func revokeKey(id: String, at time: Timestamp) async throws -> Bool { try await inner.revokeKey(id: id, at: time) }
}
