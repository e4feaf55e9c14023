public import CustosCore

/// What an API key may do.
public enum APIScope: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Send access events (host applications).
    case ingest
    /// Read audit data (oversight tools).
    case read
    /// Manage keys and configuration.
    case admin
    /// Read and triage alerts, findings and suppressions (docs/alerts.md).
    case triage

    public static func < (a: APIScope, b: APIScope) -> Bool { a.rawValue < b.rawValue }
}

/// A stored API key: everything but the secret, of which only a hash is kept.
public struct APIKeyRecord: Sendable, Hashable {
    /// The key's public id (the part of the token before the secret).
    public var id: String
    /// A name for people (`casebook-prod`).
    public var name: String
    /// The actor in the directory who owns the key; reads with it are recorded as this actor's.
    public var owner: String
    /// What the key may do.
    public var scopes: Set<APIScope>
    /// SHA-256 of the secret.
    public var secretHash: [UInt8]
    /// When it was created.
    public var created: Timestamp
    /// When it stops working, if ever.
    public var expires: Timestamp?
    /// When it was revoked, if it was.
    public var revoked: Timestamp?

    /// Creates a record.
    public init(
        id: String,
        name: String,
        owner: String,
        scopes: Set<APIScope>,
        secretHash: [UInt8],
        created: Timestamp,
        expires: Timestamp? = nil,
        revoked: Timestamp? = nil
    ) {
        self.id = id
        self.name = name
        self.owner = owner
        self.scopes = scopes
        self.secretHash = secretHash
        self.created = created
        self.expires = expires
        self.revoked = revoked
    }

    /// Whether the key works at `now`.
    public func isActive(at now: Timestamp) -> Bool {
        revoked == nil && (expires.map { now < $0 } ?? true)
    }
}

/// Where API keys are kept.
public protocol KeyStore: Sendable {
    /// Stores a new key.
    func insertKey(_ key: APIKeyRecord) async throws
    /// The key with this id, revoked or not.
    func key(id: String) async throws -> APIKeyRecord?
    /// Every key, oldest first.
    func allKeys() async throws -> [APIKeyRecord]
    /// Marks a key revoked; false when there is no such key or it was already revoked.
    func revokeKey(id: String, at time: Timestamp) async throws -> Bool
}
