public import CustosLedger

/// The ledger side of a store: the Merkle tree over every stored event's ``LedgerEntry``, its tiles, entry bundles
/// and signed checkpoints (docs/ledger.md). The tree grows in the same transaction as the events.
public protocol LedgerStore: Sendable {
    /// The tree as of the last commit: its size (equal to the number of events) and root hash.
    func ledgerHead() async throws -> LedgerHead

    /// The stored contents of hash tile `index` at tile level `level` (its latest, possibly partial, width); nil if
    /// no node of it exists yet.
    func hashTile(level: Int, index: UInt64) async throws -> StoredTile?

    /// Synchronous tile reads, when the store has them (``LedgerTileReader``); nil by default.
    var tileReader: (any LedgerTileReader)? { get }

    /// The stored contents of entry bundle `index` (its latest width); nil if it has no entry yet.
    func entryBundle(index: UInt64) async throws -> StoredTile?

    /// The ledger records (salts and leaf hash) of the events with these `seq`s; missing seqs are left out.
    func ledgerRecords(seqs: [Int64]) async throws -> [Int64: LedgerRecord]

    /// Keeps a signed checkpoint.
    func addCheckpoint(_ checkpoint: StoredCheckpoint) async throws

    /// Stored checkpoints, newest first, at most `limit`.
    func checkpoints(limit: Int) async throws -> [StoredCheckpoint]
}

/// The size and root of the ledger's Merkle tree.
public struct LedgerHead: Sendable, Hashable {
    /// Leaves in the tree.
    public var size: UInt64
    /// The RFC 6962 root hash.
    public var rootHash: TreeHash

    /// Creates a head.
    public init(size: UInt64, rootHash: TreeHash) {
        self.size = size
        self.rootHash = rootHash
    }
}

/// A stored tile or entry bundle: its latest width and bytes (a narrower partial tile is a prefix of them).
public struct StoredTile: Sendable, Hashable {
    /// Items (hashes or entries) in the stored data.
    public var width: Int
    /// The tile contents at ``width``.
    public var data: [UInt8]

    /// Creates a stored tile.
    public init(width: Int, data: [UInt8]) {
        self.width = width
        self.data = data
    }
}

/// What the store keeps beside an event for the ledger.
public struct LedgerRecord: Sendable, Hashable {
    /// The concatenated 16-byte claim salts, in claim order (``EventClaims``).
    public var salts: [UInt8]
    /// The RFC 6962 leaf hash of the event's ``LedgerEntry``.
    public var leafHash: TreeHash

    /// Creates a record.
    public init(salts: [UInt8], leafHash: TreeHash) {
        self.salts = salts
        self.leafHash = leafHash
    }
}

/// A signed checkpoint as kept by the store.
public struct StoredCheckpoint: Sendable, Hashable {
    /// The tree size it commits to.
    public var size: UInt64
    /// The root hash it commits to.
    public var rootHash: TreeHash
    /// When it was signed, in milliseconds since the Unix epoch.
    public var createdMilliseconds: Int64
    /// The signed note (C2SP signed-note text with signature lines).
    public var note: String

    /// Creates a stored checkpoint.
    public init(size: UInt64, rootHash: TreeHash, createdMilliseconds: Int64, note: String) {
        self.size = size
        self.rootHash = rootHash
        self.createdMilliseconds = createdMilliseconds
        self.note = note
    }
}
