/// Where the console's signed-in sessions live, so that a restart keeps users signed in (docs/console.md,
/// "Security"). Sessions are kept under the SHA-256 of their cookie value only: the store never holds a usable
/// cookie or CSRF token.
public protocol ConsoleSessionStore: Sendable {
    /// Keeps a new session.
    func insertConsoleSession(_ session: StoredConsoleSession) async throws
    /// The session kept under `key` (the hex SHA-256 of its cookie value), or nil.
    func consoleSession(key: String) async throws -> StoredConsoleSession?
    /// Records that the session under `key` was used at `lastSeenMilliseconds`.
    func touchConsoleSession(key: String, lastSeenMilliseconds: Int64) async throws
    /// Forgets the session under `key` (sign-out, expiry).
    func deleteConsoleSession(key: String) async throws
    /// Forgets every session of `username` (the account was disabled).
    func deleteConsoleSessions(username: String) async throws
    /// Forgets every session last used before `idleBefore` or created before `createdBefore` (milliseconds since
    /// the epoch); returns how many were forgotten.
    func deleteExpiredConsoleSessions(idleBefore: Int64, createdBefore: Int64) async throws -> Int
}

/// One console session as a ``ConsoleSessionStore`` keeps it.
public struct StoredConsoleSession: Sendable, Hashable {
    /// The hex SHA-256 of the session's cookie value.
    public var key: String
    /// The signed-in account's username.
    public var username: String
    /// The session's non-secret label for the ledger (`console:` and 12 hex digits of ``key``).
    public var label: String
    /// When the session started, in milliseconds since the epoch.
    public var createdMilliseconds: Int64
    /// When the session was last used (as last recorded), in milliseconds since the epoch.
    public var lastSeenMilliseconds: Int64

    /// Creates a stored session.
    public init(key: String, username: String, label: String, createdMilliseconds: Int64, lastSeenMilliseconds: Int64) {
        self.key = key
        self.username = username
        self.label = label
        self.createdMilliseconds = createdMilliseconds
        self.lastSeenMilliseconds = lastSeenMilliseconds
    }
}
