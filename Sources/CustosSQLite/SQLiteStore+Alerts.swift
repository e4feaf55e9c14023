public import CustosCore
public import CustosStore
import Foundation
import GRDB

extension SQLiteStore: AlertStore {
    public func detectionCheckpoint() async throws -> DetectionCheckpoint? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT covered_seq, state FROM detection_state WHERE id = 0").map { row in
                let state: Data = row["state"]
                return DetectionCheckpoint(coveredSeq: row["covered_seq"], state: Array(state))
            }
        }
    }

    public func commitDetectionStep(_ step: DetectionStep) async throws -> [AlertChange] {
        try await pool.write { db in
            var changes: [AlertChange] = []
            for finding in step.findings {
                if let change = try Self.insert(finding, now: step.now, db: db) { changes.append(change) }
            }
            if let checkpoint = step.checkpoint {
                try db.execute(
                    sql: """
                        INSERT INTO detection_state(id, covered_seq, state) VALUES (0, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET covered_seq = excluded.covered_seq, state = excluded.state
                        """,
                    arguments: [checkpoint.coveredSeq, Data(checkpoint.state)]
                )
            }
            return changes
        }
    }

    /// Stores one finding and joins it to its actor's open alert; nil when it was already stored or suppressed.
    private static func insert(_ finding: NewFinding, now: Timestamp, db: Database) throws -> AlertChange? {
        let exists = try Int64.fetchOne(
            db,
            sql: "SELECT id FROM findings WHERE produced_at = ? AND ordinal = ?",
            arguments: [finding.producedAt, finding.ordinal]
        )
        guard exists == nil else { return nil }
        let suppression = try Int64.fetchOne(
            db,
            sql: """
                SELECT id FROM suppressions WHERE rule = ? AND actor = ? AND lifted IS NULL AND expires > ?
                ORDER BY id LIMIT 1
                """,
            arguments: [finding.rule, finding.actor, now.millisecondsSinceEpoch]
        )
        var alertID: Int64?
        var kind = AlertChange.Kind.findingAdded
        let severity = AlertSeverity(level: finding.severity)
        let time = finding.time.millisecondsSinceEpoch
        if suppression == nil {
            if let row = try Row.fetchOne(
                db,
                sql: "SELECT * FROM alerts WHERE actor = ? AND status != 'resolved' ORDER BY id DESC LIMIT 1",
                arguments: [finding.actor]
            ) {
                let alert = try alertRecord(row)
                var rules = Set(alert.rules)
                rules.insert(finding.rule)
                try db.execute(
                    sql: """
                        UPDATE alerts SET severity = ?, risk_score = risk_score + ?, finding_count = finding_count + 1,
                        rules = ?, first_seen = min(first_seen, ?), last_seen = max(last_seen, ?), updated = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        max(alert.severity, severity).rank, severity.weight, rules.sorted().joined(separator: "\n"),
                        time, time, now.millisecondsSinceEpoch, alert.id,
                    ]
                )
                alertID = alert.id
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO alerts(actor, pseudonym, status, severity, risk_score, finding_count, rules,
                        first_seen, last_seen, created, updated) VALUES (?,?,'open',?,?,1,?,?,?,?,?)
                        """,
                    arguments: [
                        finding.actor, finding.pseudonym, severity.rank, severity.weight, finding.rule, time, time,
                        now.millisecondsSinceEpoch, now.millisecondsSinceEpoch,
                    ]
                )
                alertID = db.lastInsertedRowID
                kind = .opened
            }
        }
        let evidence = JSONValue.array(finding.evidence.map { .array([.integer($0.seq), .string($0.id)]) })
        try db.execute(
            sql: """
                INSERT INTO findings(produced_at, ordinal, source, kind, rule, title, rule_version, actor, pseudonym,
                time, severity, explanation, evidence, alert_id, suppression_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """,
            arguments: [
                finding.producedAt, finding.ordinal, finding.source, finding.kind, finding.rule, finding.title,
                finding.ruleVersion, finding.actor, finding.pseudonym, time, finding.severity, finding.explanation,
                String(decoding: CanonicalJSON.encode(evidence), as: UTF8.self), alertID, suppression,
            ]
        )
        let findingID = db.lastInsertedRowID
        guard let alertID,
            let row = try Row.fetchOne(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [alertID])
        else { return nil }
        return AlertChange(alert: try alertRecord(row), kind: kind, findingID: findingID)
    }

    public func alerts(_ query: AlertQuery) async throws -> AlertPage {
        let limit = try Self.checkedLimit(query.limit, maximum: 1000)
        return try await read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let s = query.status {
                conditions.append("status = ?")
                arguments.append(s.rawValue)
            }
            if let s = query.severity {
                conditions.append("severity = ?")
                arguments.append(s.rank)
            }
            if let r = query.rule {
                conditions.append("EXISTS (SELECT 1 FROM findings f WHERE f.rule = ? AND f.alert_id = alerts.id)")
                arguments.append(r)
            }
            if let a = query.assignee {
                conditions.append("assignee = ?")
                arguments.append(a)
            }
            if let t = query.since {
                conditions.append("last_seen >= ?")
                arguments.append(t.millisecondsSinceEpoch)
            }
            if let t = query.until {
                conditions.append("last_seen < ?")
                arguments.append(t.millisecondsSinceEpoch)
            }
            if let c = query.cursor {
                conditions.append("id < ?")
                arguments.append(c)
            }
            let sql = """
                SELECT * FROM alerts \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY id DESC LIMIT \(limit + 1)
                """
            var alerts = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.alertRecord)
            var next: Int64?
            if alerts.count > limit {
                alerts.removeLast(alerts.count - limit)
                next = alerts.last?.id
            }
            return AlertPage(alerts: alerts, nextCursor: next)
        }
    }

    public func alert(id: Int64) async throws -> Alert? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [id]).map(Self.alertRecord)
        }
    }

    public func findings(alert: Int64) async throws -> [StoredFinding] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM findings WHERE alert_id = ? ORDER BY id", arguments: [alert])
                .map(Self.findingRecord)
        }
    }

    public func findings(after cursor: Int64?, limit: Int) async throws -> [StoredFinding] {
        let limit = try Self.checkedLimit(limit, maximum: 10_000)
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM findings WHERE id > ? ORDER BY id LIMIT \(limit)",
                arguments: [cursor ?? 0]
            ).map(Self.findingRecord)
        }
    }

    public func alertHistory(alert: Int64) async throws -> [AlertNote] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alert_notes WHERE alert_id = ? ORDER BY id", arguments: [alert])
                .map { row in
                    AlertNote(
                        time: Timestamp(millisecondsSinceEpoch: row["time"]),
                        by: row["owner"],
                        action: row["action"],
                        detail: row["detail"]
                    )
                }
        }
    }

    public func triage(
        alert id: Int64,
        action: TriageAction,
        by owner: String,
        at time: Timestamp
    ) async throws
        -> Alert
    {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "no alert \(id)")
            }
            let alert = try Self.alertRecord(row)
            let now = time.millisecondsSinceEpoch
            switch action {
            case .assign(let assignee):
                try db.execute(
                    sql: "UPDATE alerts SET assignee = ?, updated = ? WHERE id = ?",
                    arguments: [assignee, now, id]
                )
            case .comment:
                try db.execute(sql: "UPDATE alerts SET updated = ? WHERE id = ?", arguments: [now, id])
            case .acknowledge:
                guard alert.status == .open else {
                    throw StoreError(.conflict, "alert \(id) is \(alert.status.rawValue), not open")
                }
                try db.execute(
                    sql: "UPDATE alerts SET status = 'acknowledged', updated = ? WHERE id = ?",
                    arguments: [now, id]
                )
            case .resolve(let disposition, _):
                guard alert.status != .resolved else { throw StoreError(.conflict, "alert \(id) is already resolved") }
                try db.execute(
                    sql: "UPDATE alerts SET status = 'resolved', disposition = ?, updated = ? WHERE id = ?",
                    arguments: [disposition.rawValue, now, id]
                )
            case .reopen:
                guard alert.status == .resolved else { throw StoreError(.conflict, "alert \(id) is not resolved") }
                let other = try Int64.fetchOne(
                    db,
                    sql: "SELECT id FROM alerts WHERE actor = ? AND status != 'resolved' AND id != ? LIMIT 1",
                    arguments: [alert.actor, id]
                )
                if let other {
                    throw StoreError(
                        .conflict,
                        "the user has another unresolved alert (\(other)); it gathers new findings"
                    )
                }
                try db.execute(
                    sql: "UPDATE alerts SET status = 'open', disposition = NULL, updated = ? WHERE id = ?",
                    arguments: [now, id]
                )
            }
            try db.execute(
                sql: "INSERT INTO alert_notes(alert_id, time, owner, action, detail) VALUES (?,?,?,?,?)",
                arguments: [id, now, owner, action.name, action.detail]
            )
            guard let updated = try Row.fetchOne(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "no alert \(id)")
            }
            return try Self.alertRecord(updated)
        }
    }

    public func actor(pseudonym: String) async throws -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT actor FROM alerts WHERE pseudonym = ? LIMIT 1", arguments: [pseudonym])
        }
    }

    public func insertSuppression(_ s: Suppression) async throws -> Suppression {
        try await pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO suppressions(rule, actor, owner, reason, created, expires, lifted) VALUES (?,?,?,?,?,?,?)",
                arguments: [
                    s.rule, s.actor, s.owner, s.reason, s.created.millisecondsSinceEpoch,
                    s.expires.millisecondsSinceEpoch, s.lifted?.millisecondsSinceEpoch,
                ]
            )
            var stored = s
            stored.id = db.lastInsertedRowID
            return stored
        }
    }

    public func suppressions() async throws -> [Suppression] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM suppressions ORDER BY id DESC").map(Self.suppressionRecord)
        }
    }

    public func suppression(id: Int64) async throws -> Suppression? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM suppressions WHERE id = ?", arguments: [id])
                .map(Self.suppressionRecord)
        }
    }

    public func liftSuppression(id: Int64, at time: Timestamp) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE suppressions SET lifted = ? WHERE id = ? AND lifted IS NULL",
                arguments: [time.millisecondsSinceEpoch, id]
            )
            return db.changesCount > 0
        }
    }

    private static func alertRecord(_ row: Row) throws -> Alert {
        let statusText: String = row["status"]
        let rank: Int = row["severity"]
        guard let status = AlertStatus(rawValue: statusText), AlertSeverity.allCases.indices.contains(rank) else {
            throw StoreError(.corrupt, "alert \(row["id"] as Int64) has an unknown status or severity")
        }
        let rules: String = row["rules"]
        return Alert(
            id: row["id"],
            actor: row["actor"],
            pseudonym: row["pseudonym"],
            status: status,
            severity: AlertSeverity.allCases[rank],
            riskScore: row["risk_score"],
            findingCount: row["finding_count"],
            rules: rules.split(separator: "\n").map(String.init),
            firstSeen: Timestamp(millisecondsSinceEpoch: row["first_seen"]),
            lastSeen: Timestamp(millisecondsSinceEpoch: row["last_seen"]),
            assignee: row["assignee"],
            disposition: (row["disposition"] as String?).flatMap(Disposition.init(rawValue:)),
            created: Timestamp(millisecondsSinceEpoch: row["created"]),
            updated: Timestamp(millisecondsSinceEpoch: row["updated"])
        )
    }

    private static func findingRecord(_ row: Row) throws -> StoredFinding {
        let evidenceText: String = row["evidence"]
        let parsed = try? JSONParser().parse(Array(evidenceText.utf8))
        let evidence: [FindingEvidence] = (parsed?.arrayValue ?? []).compactMap { pair in
            guard let items = pair.arrayValue, items.count == 2, case .integer(let seq) = items[0],
                let id = items[1].stringValue
            else { return nil }
            return FindingEvidence(seq: seq, id: id)
        }
        return StoredFinding(
            id: row["id"],
            finding: NewFinding(
                producedAt: row["produced_at"],
                ordinal: row["ordinal"],
                source: row["source"],
                kind: row["kind"],
                rule: row["rule"],
                title: row["title"],
                ruleVersion: row["rule_version"],
                actor: row["actor"],
                pseudonym: row["pseudonym"],
                time: Timestamp(millisecondsSinceEpoch: row["time"]),
                severity: row["severity"],
                explanation: row["explanation"],
                evidence: evidence
            ),
            alertID: row["alert_id"],
            suppressionID: row["suppression_id"]
        )
    }

    private static func suppressionRecord(_ row: Row) -> Suppression {
        Suppression(
            id: row["id"],
            rule: row["rule"],
            actor: row["actor"],
            owner: row["owner"],
            reason: row["reason"],
            created: Timestamp(millisecondsSinceEpoch: row["created"]),
            expires: Timestamp(millisecondsSinceEpoch: row["expires"]),
            lifted: (row["lifted"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
        )
    }
}
