import Crypto
import CustosCore
import CustosStore
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

/// The console's signed-in sessions, kept in memory under the SHA-256 of their random 256-bit ids (so a memory
/// dump holds no usable cookie), with an idle and an absolute expiry. A restart signs everyone out.
public final class ConsoleSessions: Sendable {
    private let sessions = Mutex<[String: ConsoleSession]>([:])
    /// How long a session lives without use, in milliseconds.
    public let idleMilliseconds: Int64
    /// How long a session lives at most, in milliseconds.
    public let absoluteMilliseconds: Int64

    /// Creates an empty session table.
    public init(idleMilliseconds: Int64 = 30 * 60_000, absoluteMilliseconds: Int64 = 12 * 3_600_000) {
        self.idleMilliseconds = idleMilliseconds
        self.absoluteMilliseconds = absoluteMilliseconds
    }

    /// Starts a session for `username`; returns the cookie value (the id, shown once) and the session.
    public func create(username: String, now: Timestamp) -> (id: String, session: ConsoleSession) {
        let id = Self.randomToken()
        let key = Self.hash(id)
        let session = ConsoleSession(
            username: username,
            csrfToken: Self.randomToken(),
            label: "console:" + key.prefix(12),
            created: now,
            lastSeen: now
        )
        sessions.withLock { table in
            // Expired sessions are swept when new ones start, so the table stays bounded by live sessions.
            table = table.filter { !isExpired($0.value, now: now) }
            table[key] = session
        }
        return (id, session)
    }

    /// The live session with this cookie value, touched as used now; nil when unknown or expired (and then gone).
    public func session(id: String, now: Timestamp) -> ConsoleSession? {
        let key = Self.hash(id)
        return sessions.withLock { table -> ConsoleSession? in
            guard var s = table[key] else { return nil }
            if isExpired(s, now: now) {
                table[key] = nil
                return nil
            }
            s.lastSeen = now
            table[key] = s
            return s
        }
    }

    /// Ends the session with this cookie value.
    public func end(id: String) {
        let key = Self.hash(id)
        _ = sessions.withLock { $0.removeValue(forKey: key) }
    }

    /// Ends every session of `username` (when the account is disabled).
    public func endAll(username: String) {
        sessions.withLock { $0 = $0.filter { $0.value.username != username } }
    }

    /// The number of sessions held (live or not yet swept).
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
}
