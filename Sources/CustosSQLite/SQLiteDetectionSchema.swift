/// The tables of the live detection service (migration `v3-detection`, docs/alerts.md): the engine state with the
/// `seq` it covers, findings and their evidence, per-user alerts, their triage history, and suppressions.
enum SQLiteDetectionSchema {
    /// The statements of the migration.
    static let statements: [String] = [
        """
        CREATE TABLE detection_state(
            id INTEGER PRIMARY KEY CHECK (id = 0),
            covered_seq INTEGER NOT NULL,
            state BLOB NOT NULL
        )
        """,
        """
        CREATE TABLE alerts(
            id INTEGER PRIMARY KEY,
            actor TEXT NOT NULL,
            pseudonym TEXT NOT NULL,
            status TEXT NOT NULL,
            severity INTEGER NOT NULL,
            risk_score INTEGER NOT NULL,
            finding_count INTEGER NOT NULL,
            rules TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            assignee TEXT,
            disposition TEXT,
            created INTEGER NOT NULL,
            updated INTEGER NOT NULL
        )
        """,
        "CREATE INDEX alerts_actor_status ON alerts(actor, status)",
        "CREATE INDEX alerts_pseudonym ON alerts(pseudonym)",
        """
        CREATE TABLE findings(
            id INTEGER PRIMARY KEY,
            produced_at INTEGER NOT NULL,
            ordinal INTEGER NOT NULL,
            source TEXT NOT NULL,
            kind TEXT NOT NULL,
            rule TEXT NOT NULL,
            title TEXT NOT NULL,
            rule_version TEXT,
            actor TEXT NOT NULL,
            pseudonym TEXT NOT NULL,
            time INTEGER NOT NULL,
            severity TEXT NOT NULL,
            explanation TEXT NOT NULL,
            evidence TEXT NOT NULL,
            alert_id INTEGER,
            suppression_id INTEGER,
            UNIQUE(produced_at, ordinal)
        )
        """,
        "CREATE INDEX findings_alert ON findings(alert_id) WHERE alert_id IS NOT NULL",
        "CREATE INDEX findings_rule_alert ON findings(rule, alert_id)",
        """
        CREATE TABLE alert_notes(
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL,
            time INTEGER NOT NULL,
            owner TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL
        )
        """,
        "CREATE INDEX alert_notes_alert ON alert_notes(alert_id, id)",
        """
        CREATE TABLE suppressions(
            id INTEGER PRIMARY KEY,
            rule TEXT NOT NULL,
            actor TEXT NOT NULL,
            owner TEXT NOT NULL,
            reason TEXT NOT NULL,
            created INTEGER NOT NULL,
            expires INTEGER NOT NULL,
            lifted INTEGER
        )
        """,
        "CREATE INDEX suppressions_rule_actor ON suppressions(rule, actor)",
    ]
}
