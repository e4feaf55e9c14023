public import CustosCore
public import CustosLedger
public import CustosStore

/// Signs C2SP checkpoints of the ledger and keeps each one in the store: on demand, and whenever the tree has grown
/// and either the interval has passed or enough entries have arrived since the last one.
public actor CheckpointPublisher {
    /// The store whose tree is signed.
    public let store: any LedgerStore
    /// Tiles (with their subtrees) read for proofs from `store`, shared by every proof the server computes.
    public nonisolated let tileCache = TileSubtreeCache()
    /// The checkpoint origin line.
    public let origin: String
    /// The log's signer.
    let signer: Ed25519NoteSigner
    /// The most time between a new entry and the checkpoint covering it, in milliseconds.
    public let intervalMilliseconds: Int64
    /// The most new entries before a checkpoint is signed ahead of the interval.
    public let entries: UInt64
    private let clock: @Sendable () -> Timestamp
    private var latest: StoredCheckpoint?
    private var loaded = false

    /// Creates a publisher; nothing is signed until ``publish()`` or ``publishIfDue()``.
    public init(
        store: any LedgerStore,
        signer: Ed25519NoteSigner,
        origin: String,
        intervalSeconds: Int = 5,
        entries: Int = 10_000,
        clock: @escaping @Sendable () -> Timestamp = CustosAPI.systemClock
    ) {
        self.store = store
        self.signer = signer
        self.origin = origin
        self.intervalMilliseconds = Int64(intervalSeconds) * 1000
        self.entries = UInt64(max(1, entries))
        self.clock = clock
    }

    /// The verifier key of the log's signer, in C2SP note verifier key form.
    public nonisolated var verifierKey: String {
        signer.verifier.verifierKey
    }

    /// The latest signed checkpoint, if any.
    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        if !loaded {
            latest = try await store.checkpoints(limit: 1).first
            loaded = true
        }
        return latest
    }

    /// Signs and stores a checkpoint of the tree as it is now.
    @discardableResult
    public func publish() async throws -> StoredCheckpoint {
        let head = try await store.ledgerHead()
        let note = try Checkpoint(origin: origin, size: head.size, rootHash: head.rootHash).sign(signers: [signer])
        let stored = StoredCheckpoint(
            size: head.size,
            rootHash: head.rootHash,
            createdMilliseconds: clock().millisecondsSinceEpoch,
            note: String(decoding: try note.serializedBytes(), as: UTF8.self)
        )
        try await store.addCheckpoint(stored)
        latest = stored
        loaded = true
        return stored
    }

    /// Signs a checkpoint if there is none yet, or if the tree grew and the interval passed or enough entries
    /// arrived; returns it, or nil when none was due.
    @discardableResult
    public func publishIfDue() async throws -> StoredCheckpoint? {
        guard let last = try await latestCheckpoint() else { return try await publish() }
        let head = try await store.ledgerHead()
        guard head.size > last.size else { return nil }
        let elapsed = clock().millisecondsSinceEpoch - last.createdMilliseconds
        guard elapsed >= intervalMilliseconds || head.size - last.size >= entries else { return nil }
        return try await publish()
    }

    /// Signs a checkpoint if the tree grew since the last one (on shutdown, so that the last entries are covered).
    @discardableResult
    public func publishIfGrown() async throws -> StoredCheckpoint? {
        let head = try await store.ledgerHead()
        if let last = try await latestCheckpoint(), last.size == head.size, last.rootHash == head.rootHash {
            return nil
        }
        return try await publish()
    }

    /// Checks every quarter second (at most) whether a checkpoint is due, until the task is cancelled.
    public func run() async {
        let tick = max(50, min(250, intervalMilliseconds / 4))
        while !Task.isCancelled {
            _ = try? await publishIfDue()
            try? await Task.sleep(for: .milliseconds(tick))
        }
    }
}
