import CustosCore
import CustosStore
import Hummingbird
import Synchronization

/// Checks bearer API keys and their scopes. Keys are looked up by id and cached for a few seconds, so a revocation
/// takes effect within ``cacheMilliseconds`` (documented in docs/api.md).
public final class Authenticator: Sendable {
    private let keys: any KeyStore
    private let clock: @Sendable () -> Timestamp
    private let cache = Mutex<[String: (record: APIKeyRecord?, fetched: Int64)]>([:])
    /// How long a looked-up key is trusted before it is read again.
    public let cacheMilliseconds: Int64

    /// Creates an authenticator over a key store.
    public init(keys: any KeyStore, clock: @escaping @Sendable () -> Timestamp, cacheMilliseconds: Int64 = 5000) {
        self.keys = keys
        self.clock = clock
        self.cacheMilliseconds = cacheMilliseconds
    }

    /// The key that authenticates `request` if it holds `scope` (or `admin`); throws 401 or 403 otherwise.
    public func authenticate(_ request: Request, scope: APIScope) async throws -> APIKeyRecord {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized("an API key is required: Authorization: Bearer custos_…")
        }
        let prefix = "Bearer "
        guard header.count > prefix.count, header.lowercased().hasPrefix("bearer "),
            let (id, secret) = APIKeyToken.parse(String(header.dropFirst(prefix.count)))
        else { throw Problem.unauthorized("the Authorization header is not a Custos bearer key") }
        let now = clock()
        let cached = cache.withLock { $0[id] }
        let record: APIKeyRecord?
        if let cached, now.millisecondsSinceEpoch - cached.fetched < cacheMilliseconds {
            record = cached.record
        } else {
            record = try await keys.key(id: id)
            cache.withLock { c in
                if c.count > 10_000 { c.removeAll() }
                c[id] = (record, now.millisecondsSinceEpoch)
            }
        }
        guard let record, APIKeyToken.matches(secret, record.secretHash) else {
            throw Problem.unauthorized("unknown API key")
        }
        guard record.isActive(at: now) else {
            throw Problem.unauthorized(record.revoked != nil ? "the API key was revoked" : "the API key has expired")
        }
        guard record.scopes.contains(scope) || record.scopes.contains(.admin) else {
            throw Problem.forbidden("this API key lacks the '\(scope.rawValue)' scope")
        }
        return record
    }
}
