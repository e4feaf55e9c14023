import CustosCore
import CustosStore
import Foundation

/// The JSON documents of alerts, findings and suppressions (docs/alerts.md shows each shape). Monitored users are
/// shown by pseudonym unless `reveal` is set; a pseudonymised explanation has the user's id replaced too.
enum AlertEncoding {
    static func json(_ alert: Alert, reveal: Bool = false) -> JSONValue {
        .object(
            JSONObject([
                ("id", .integer(alert.id)),
                ("actor", .string(reveal ? alert.actor : alert.pseudonym)),
                ("pseudonymised", .bool(!reveal)),
                ("status", .string(alert.status.rawValue)),
                ("severity", .string(alert.severity.rawValue)),
                ("risk_score", .integer(alert.riskScore)),
                ("finding_count", .integer(alert.findingCount)),
                ("rules", .array(alert.rules.map { .string($0) })),
                ("first_seen", .string(alert.firstSeen.rfc3339)),
                ("last_seen", .string(alert.lastSeen.rfc3339)),
                ("assignee", alert.assignee.map { .string($0) } ?? .null),
                ("disposition", alert.disposition.map { .string($0.rawValue) } ?? .null),
                ("created", .string(alert.created.rfc3339)),
                ("updated", .string(alert.updated.rfc3339)),
            ])
        )
    }

    /// A finding in the export shape of `custos rules test`, plus its id, alert, kind, version and evidence detail.
    static func json(_ stored: StoredFinding, reveal: Bool) -> JSONValue {
        let f = stored.finding
        let explanation = reveal ? f.explanation : f.explanation.replacingAll(f.actor, with: f.pseudonym)
        return .object(
            JSONObject([
                ("rule", .string(f.rule)),
                ("title", .string(f.title)),
                ("actor", .string(reveal ? f.actor : f.pseudonym)),
                ("time", .string(f.time.rfc3339)),
                ("severity", .string(f.severity)),
                ("explanation", .string(explanation)),
                ("evidence", .array(f.evidence.map { .string($0.id) })),
                ("id", .integer(stored.id)),
                ("kind", .string(f.kind)),
                ("source", .string(f.source)),
                ("rule_version", f.ruleVersion.map { .string($0) } ?? .null),
                ("alert", stored.alertID.map { .integer($0) } ?? .null),
                ("suppressed_by", stored.suppressionID.map { .integer($0) } ?? .null),
                (
                    "evidence_events",
                    .array(
                        f.evidence.map { e in
                            .object(
                                JSONObject([
                                    ("seq", .integer(e.seq)), ("id", .string(e.id)),
                                    ("proof", .string("/v1/proofs/inclusion?seq=\(e.seq)")),
                                ])
                            )
                        }
                    )
                ),
            ])
        )
    }

    static func json(_ note: AlertNote) -> JSONValue {
        .object(
            JSONObject([
                ("time", .string(note.time.rfc3339)), ("by", .string(note.by)), ("action", .string(note.action)),
                ("detail", .string(note.detail)),
            ])
        )
    }

    static func json(_ s: Suppression, now: Timestamp) -> JSONValue {
        .object(
            JSONObject([
                ("id", .integer(s.id)), ("rule", .string(s.rule)), ("actor", .string(s.actor)),
                ("owner", .string(s.owner)), ("reason", .string(s.reason)), ("created", .string(s.created.rfc3339)),
                ("expires", .string(s.expires.rfc3339)), ("lifted", s.lifted.map { .string($0.rfc3339) } ?? .null),
                ("active", .bool(s.isActive(at: now))),
            ])
        )
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
