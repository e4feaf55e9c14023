/// The statements of the console-sessions migration (docs/console.md, "Security"): signed-in console sessions,
/// under the SHA-256 of their cookie value, so that a restart keeps users signed in.
enum SQLiteConsoleSessionSchema {
    /// The migration's name.
    static let migration = "v4-console-sessions"

    static let statements: [String] = [
        """
        CREATE TABLE console_sessions(
            key TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            label TEXT NOT NULL,
            created INTEGER NOT NULL,
            last_seen INTEGER NOT NULL
        )
        """,
        "CREATE INDEX console_sessions_by_username ON console_sessions(username)",
    ]
}
