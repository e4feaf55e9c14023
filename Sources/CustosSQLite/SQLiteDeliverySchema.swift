/// The webhook outbox and dead-letter list (migration `v4-notifications`, docs/notifications.md).
///
/// `n` orders listings (newest first) and is the page cursor; pending deliveries are found through their status and
/// due time.
enum SQLiteDeliverySchema {
    /// The migration's name.
    static let migration = "v4-notifications"

    /// The statements that create the outbox.
    static let statements: [String] = [
        """
        CREATE TABLE webhook_deliveries(
            n INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            endpoint TEXT NOT NULL,
            kind TEXT NOT NULL,
            body BLOB NOT NULL,
            created INTEGER NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt INTEGER NOT NULL,
            last_attempt INTEGER,
            last_status INTEGER,
            last_error TEXT,
            delivered INTEGER
        )
        """,
        "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt) WHERE status = 'pending'",
        "CREATE INDEX webhook_deliveries_status ON webhook_deliveries(status, n)",
    ]
}
