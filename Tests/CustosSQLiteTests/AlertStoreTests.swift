import CustosCore
import CustosSQLite
import CustosStore
import CustosTestKit
import Testing

@Suite("Alert store")
struct AlertStoreTests {
    static func finding(
        at seq: Int64,
        _ ordinal: Int = 0,
        actor: String = "officer-1",
        rule: String = "r1",
        severity: String = "low",
        minutes: Int64 = 0
    ) -> NewFinding {
        NewFinding(
            producedAt: seq,
            ordinal: ordinal,
            source: "sigma",
            kind: "match",
            rule: rule,
            title: "Rule \(rule)",
            ruleVersion: "v1",
            actor: actor,
            pseudonym: "p-" + actor,
            time: Timestamp(millisecondsSinceEpoch: EventFixtures.baseTime.millisecondsSinceEpoch + minutes * 60_000),
            severity: severity,
            explanation: "\(actor) did \(rule)",
            evidence: [FindingEvidence(seq: seq, id: "#\(seq)")]
        )
    }

    static func step(_ findings: [NewFinding], covered: Int64, now: Timestamp = EventFixtures.baseTime) -> DetectionStep
    {
        DetectionStep(
            findings: findings,
            checkpoint: DetectionCheckpoint(coveredSeq: covered, state: [1, 2]),
            now: now
        )
    }

    @Test func findingsOfOneUserJoinOneAlertWithSummedRisk() async throws {
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let first = try await store.commitDetectionStep(Self.step([Self.finding(at: 0)], covered: 0))
        #expect(first.map(\.kind) == [.opened])
        let more = try await store.commitDetectionStep(
            Self.step(
                [
                    Self.finding(at: 1, rule: "r2", severity: "high", minutes: 5),
                    Self.finding(at: 1, 1, rule: "r1", severity: "informational"),
                    Self.finding(at: 2, actor: "officer-2"),
                ],
                covered: 2
            )
        )
        #expect(more.map(\.kind) == [.findingAdded, .findingAdded, .opened])
        let page = try await store.alerts(AlertQuery())
        #expect(page.alerts.count == 2)
        let one = try #require(page.alerts.first { $0.actor == "officer-1" })
        #expect(one.findingCount == 3)
        #expect(one.riskScore == 2 + 10 + 1)
        #expect(one.severity == .high)
        #expect(one.rules == ["r1", "r2"])
        #expect(one.lastSeen.millisecondsSinceEpoch - one.firstSeen.millisecondsSinceEpoch == 5 * 60_000)
        #expect(try await store.findings(alert: one.id).count == 3)
        #expect(try await store.detectionCheckpoint() == DetectionCheckpoint(coveredSeq: 2, state: [1, 2]))
        #expect(try await store.alerts(AlertQuery(severity: .high)).alerts.map(\.id) == [one.id])
        #expect(try await store.alerts(AlertQuery(rule: "r2")).alerts.map(\.id) == [one.id])
        #expect(try await store.actor(pseudonym: "p-officer-2") == "officer-2")
    }

    @Test func aReplayedStepIsNotStoredTwice() async throws {
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        _ = try await store.commitDetectionStep(Self.step([Self.finding(at: 0), Self.finding(at: 0, 1)], covered: 0))
        let again = try await store.commitDetectionStep(Self.step([Self.finding(at: 0, 1)], covered: 0))
        #expect(again.isEmpty)
        #expect(try await store.findings(after: nil, limit: 100).count == 2)
        #expect(try await store.alerts(AlertQuery()).alerts.first?.findingCount == 2)
    }

    @Test func aResolvedAlertIsNotReopenedByNewFindings() async throws {
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        _ = try await store.commitDetectionStep(Self.step([Self.finding(at: 0)], covered: 0))
        let alert = try #require(try await store.alerts(AlertQuery()).alerts.first)
        let now = EventFixtures.baseTime
        _ = try await store.triage(alert: alert.id, action: .acknowledge, by: "sup-1", at: now)
        await #expect(throws: StoreError.self) {
            _ = try await store.triage(alert: alert.id, action: .acknowledge, by: "sup-1", at: now)
        }
        let resolved = try await store.triage(
            alert: alert.id,
            action: .resolve(.benign, note: "ok"),
            by: "sup-1",
            at: now
        )
        #expect(resolved.status == .resolved && resolved.disposition == .benign)
        let changes = try await store.commitDetectionStep(Self.step([Self.finding(at: 1)], covered: 1))
        #expect(changes.map(\.kind) == [.opened])
        #expect(changes.first?.alert.id != alert.id)
        // With another unresolved alert for the user, reopening the old one is refused.
        await #expect(throws: StoreError.self) {
            _ = try await store.triage(alert: alert.id, action: .reopen(note: nil), by: "sup-1", at: now)
        }
        let history = try await store.alertHistory(alert: alert.id)
        #expect(history.map(\.action) == ["acknowledge", "resolve"])
        #expect(history.last?.detail == "benign: ok")
    }

    @Test func suppressionHoldsFindingsBackUntilItExpiresOrIsLifted() async throws {
        let store = try SQLiteStore(directory: try TemporaryDirectory().path)
        let t0 = EventFixtures.baseTime
        let hour: Int64 = 3_600_000
        let s = try await store.insertSuppression(
            Suppression(
                rule: "r1",
                actor: "officer-1",
                owner: "sup-1",
                reason: "known project",
                created: t0,
                expires: Timestamp(millisecondsSinceEpoch: t0.millisecondsSinceEpoch + hour)
            )
        )
        let held = try await store.commitDetectionStep(
            Self.step([Self.finding(at: 0), Self.finding(at: 0, 1, rule: "r2")], covered: 0, now: t0)
        )
        #expect(held.count == 1)  // r2 is not suppressed
        let stored = try await store.findings(after: nil, limit: 10)
        #expect(stored.map(\.suppressionID) == [s.id, nil])
        #expect(stored.first?.alertID == nil)
        let later = Timestamp(millisecondsSinceEpoch: t0.millisecondsSinceEpoch + 2 * hour)
        let expired = try await store.commitDetectionStep(Self.step([Self.finding(at: 1)], covered: 1, now: later))
        #expect(expired.count == 1)
        let s2 = try await store.insertSuppression(
            Suppression(rule: "r1", actor: "officer-1", owner: "sup-1", reason: "x", created: later, expires: .maximum)
        )
        #expect(try await store.liftSuppression(id: s2.id, at: later))
        #expect(try await store.liftSuppression(id: s2.id, at: later) == false)
        let lifted = try await store.commitDetectionStep(Self.step([Self.finding(at: 2)], covered: 2, now: later))
        #expect(lifted.count == 1)
        #expect(try await store.suppressions().count == 2)
    }
}
