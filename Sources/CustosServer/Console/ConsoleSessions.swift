import Crypto
import CustosCore
public import CustosStore
import Foundation
import Synchronization

/// One signed-in console session: the account, its CSRF token and its timestamps.
public struct ConsoleSession: Sendable, Hashable {
    /// The account's username.
    public var username: String
    /// The per-session token every form carries and every POST must return.
    public var csrfToken: String
    /// A short, non-secret label of the session for the ledger (`console:` and 12 hex digits of its id's hash).
    public var label: String
    /// When it was created.
    public var created: Timestamp
    /// When it was last used.
    public var lastSeen: Timestamp
}

/// The console's signed-in sessions under the SHA-256 of their random 256-bit ids (so neither a memory dump nor
/// the database holds a usable cookie), with an idle and an absolute expiry. With a ``ConsoleSessionStore`` they
/// are kept there too, so a restart keeps users signed in; the last use is written back at most once per
/// ``touchMilliseconds``. The CSRF token is derived from the id (an HMAC keyed by it), so it is never stored.
public final class ConsoleSessions: Sendable {
    private struct Held {
        var session: ConsoleSession
        /// The last use as the store has it.
        var storedLastSeen: Int64
    }

    private let sessions = Mutex<[String: Held]>([:])
    /// Where sessions are kept across restarts; nil keeps them in memory only.
    public let store: (any ConsoleSessionStore)?
    /// How long a session lives without use, in milliseconds.
    public let idleMilliseconds: Int64
    /// How long a session lives at most, in milliseconds.
    public let absoluteMilliseconds: Int64
    /// How stale the stored last use may get before it is written back.
    public var touchMilliseconds: Int64 { max(1, min(60_000, idleMilliseconds / 10)) }

    /// Creates a session table, kept in `store` when given.
    public init(
        store: (any ConsoleSessionStore)? = nil,
        idleMilliseconds: Int64 = 30 * 60_000,
        absoluteMilliseconds: Int64 = 12 * 3_600_000
    ) {
        self.store = store
        self.idleMilliseconds = idleMilliseconds
        self.absoluteMilliseconds = absoluteMilliseconds
    }

    /// Starts a session for `username`; returns the cookie value (the id, shown once) and the session.
    public func create(username: String, now: Timestamp) async throws -> (id: String, session: ConsoleSession) {
        let id = Self.randomToken()
        let key = Self.hash(id)
        let session = ConsoleSession(
            username: username,
            csrfToken: Self.csrfToken(id: id),
            label: "console:" + key.prefix(12),
            created: now,
            lastSeen: now
        )
        if let store {
            // Expired sessions are swept when new ones start, so the table stays bounded by live sessions.
            _ = try await store.deleteExpiredConsoleSessions(
                idleBefore: now.millisecondsSinceEpoch - idleMilliseconds - touchMilliseconds,
                createdBefore: now.millisecondsSinceEpoch - absoluteMilliseconds
            )
            try await store.insertConsoleSession(
                StoredConsoleSession(
                    key: key,
                    username: username,
                    label: session.label,
                    createdMilliseconds: now.millisecondsSinceEpoch,
                    lastSeenMilliseconds: now.millisecondsSinceEpoch
                )
            )
        }
        sessions.withLock { table in
            table = table.filter { !isExpired($0.value.session, now: now) }
            table[key] = Held(session: session, storedLastSeen: now.millisecondsSinceEpoch)
        }
        return (id, session)
    }

    /// The live session with this cookie value, touched as used now; nil when unknown or expired (and then gone).
    public func session(id: String, now: Timestamp) async throws -> ConsoleSession? {
        let key = Self.hash(id)
        var held = sessions.withLock { $0[key] }
        if held == nil, let store, let stored = try await store.consoleSession(key: key) {
            held = Held(
                session: ConsoleSession(
                    username: stored.username,
                    csrfToken: Self.csrfToken(id: id),
                    label: stored.label,
                    created: Timestamp(millisecondsSinceEpoch: stored.createdMilliseconds),
                    lastSeen: Timestamp(millisecondsSinceEpoch: stored.lastSeenMilliseconds)
                ),
                storedLastSeen: stored.lastSeenMilliseconds
            )
        }
        guard var found = held else { return nil }
        if isExpired(found.session, now: now) {
            sessions.withLock { $0[key] = nil }
            try await store?.deleteConsoleSession(key: key)
            return nil
        }
        found.session.lastSeen = now
        if let store, now.millisecondsSinceEpoch - found.storedLastSeen >= touchMilliseconds {
            try await store.touchConsoleSession(key: key, lastSeenMilliseconds: now.millisecondsSinceEpoch)
            found.storedLastSeen = now.millisecondsSinceEpoch
        }
        sessions.withLock { $0[key] = found }
        return found.session
    }

    /// Ends the session with this cookie value.
    public func end(id: String) async throws {
        let key = Self.hash(id)
        _ = sessions.withLock { $0.removeValue(forKey: key) }
        try await store?.deleteConsoleSession(key: key)
    }

    /// Ends every session of `username` (when the account is disabled).
    public func endAll(username: String) async throws {
        sessions.withLock { $0 = $0.filter { $0.value.session.username != username } }
        try await store?.deleteConsoleSessions(username: username)
    }

    /// The number of sessions held in memory (live or not yet swept).
    public var count: Int { sessions.withLock { $0.count } }

    private func isExpired(_ s: ConsoleSession, now: Timestamp) -> Bool {
        now.millisecondsSinceEpoch - s.lastSeen.millisecondsSinceEpoch >= idleMilliseconds
            || now.millisecondsSinceEpoch - s.created.millisecondsSinceEpoch >= absoluteMilliseconds
    }

    /// 256 random bits as 64 hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func hash(_ id: String) -> String {
        SHA256.hash(data: Data(id.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The session's CSRF token: HMAC-SHA-256 keyed by the (secret) session id, as 64 hex digits. Only the holder of
    /// the cookie can know it, and it need not be stored.
    static func csrfToken(id: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("custos console csrf".utf8), using: SymmetricKey(data: Data(id.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }
}
