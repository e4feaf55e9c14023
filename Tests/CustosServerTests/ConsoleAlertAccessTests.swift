import CustosCore
import CustosServer
import CustosStore
import Testing

@Suite("Console alerts: who sees and who triages, and the queue's order")
struct ConsoleAlertAccessTests {
    static func account(_ role: ConsoleRole, units: [String] = [], actor: String = "overseer-1") -> ConsoleAccount {
        ConsoleAccount(
            username: "u",
            passwordHash: "",
            role: role,
            actor: actor,
            orgUnits: units,
            created: Timestamp(millisecondsSinceEpoch: 0)
        )
    }

    @Test func everyRoleButAdminOpensAlertsAndOnlySupervisorsAndPrivacyOfficersTriage() {
        #expect(ConsoleRole.supervisor.mayOpen(.alerts))
        #expect(ConsoleRole.privacyOfficer.mayOpen(.alerts))
        #expect(ConsoleRole.auditor.mayOpen(.alerts))
        #expect(!ConsoleRole.admin.mayOpen(.alerts))
        #expect(ConsoleRole.supervisor.mayTriage)
        #expect(ConsoleRole.privacyOfficer.mayTriage)
        #expect(!ConsoleRole.auditor.mayTriage)
        #expect(!ConsoleRole.admin.mayTriage)
    }

    @Test func supervisorsSeeAndTriageOnlyAlertsOfTheirOrgUnits() {
        let s = Self.account(.supervisor, units: ["fo/minneapolis"])
        #expect(s.mayViewAlert(orgUnit: "fo/minneapolis"))
        #expect(s.mayViewAlert(orgUnit: "fo/minneapolis/team-2"))
        #expect(!s.mayViewAlert(orgUnit: "fo/minneapolis-west"))
        #expect(!s.mayViewAlert(orgUnit: nil))
        #expect(s.triageRefusal(actor: "officer-7", orgUnit: "fo/minneapolis") == nil)
        let refusal = s.triageRefusal(actor: "officer-7", orgUnit: "fo/chicago")
        #expect(refusal?.contains("outside the org units you oversee") == true)
    }

    @Test func privacyOfficersTriageEveryAlertAndAuditorsNone() {
        let p = Self.account(.privacyOfficer)
        #expect(p.mayViewAlert(orgUnit: "fo/chicago"))
        #expect(p.mayViewAlert(orgUnit: nil))
        #expect(p.triageRefusal(actor: "officer-7", orgUnit: nil) == nil)
        let a = Self.account(.auditor)
        #expect(a.mayViewAlert(orgUnit: "fo/chicago"))
        #expect(a.triageRefusal(actor: "officer-7", orgUnit: "fo/chicago")?.contains("not triage") == true)
        let admin = Self.account(.admin)
        #expect(!admin.mayViewAlert(orgUnit: "fo/chicago"))
        #expect(admin.triageRefusal(actor: "officer-7", orgUnit: "fo/chicago") != nil)
    }

    @Test func nobodyTriagesAnAlertAboutThemselves() {
        for role in [ConsoleRole.privacyOfficer, .supervisor] {
            let own = Self.account(role, units: ["fo/a"], actor: "officer-7")
            let refusal = own.triageRefusal(actor: "officer-7", orgUnit: "fo/a")
            #expect(refusal?.contains("about you") == true)
            #expect(refusal?.contains("officer-7") == true)
            #expect(own.triageRefusal(actor: "officer-8", orgUnit: "fo/a") == nil)
        }
    }

    static func alert(_ id: Int64, risk: Int64, severity: AlertSeverity, lastSeen: Int64) -> Alert {
        Alert(
            id: id,
            actor: "officer-\(id)",
            pseudonym: "p-\(id)",
            status: .open,
            severity: severity,
            riskScore: risk,
            findingCount: 1,
            rules: ["r"],
            firstSeen: Timestamp(millisecondsSinceEpoch: 0),
            lastSeen: Timestamp(millisecondsSinceEpoch: lastSeen),
            assignee: nil,
            disposition: nil,
            created: Timestamp(millisecondsSinceEpoch: 0),
            updated: Timestamp(millisecondsSinceEpoch: 0)
        )
    }

    @Test func theQueueSortsByRiskLastSeenOrSeverity() {
        let alerts = [
            Self.alert(1, risk: 10, severity: .high, lastSeen: 300),
            Self.alert(2, risk: 30, severity: .medium, lastSeen: 100),
            Self.alert(3, risk: 5, severity: .critical, lastSeen: 200),
            Self.alert(4, risk: 30, severity: .low, lastSeen: 400),
        ]
        #expect(ConsoleAlertOrder.risk.sorted(alerts).map(\.id) == [4, 2, 1, 3])
        #expect(ConsoleAlertOrder.lastSeen.sorted(alerts).map(\.id) == [4, 1, 3, 2])
        #expect(ConsoleAlertOrder.severity.sorted(alerts).map(\.id) == [3, 1, 2, 4])
        #expect(ConsoleAlertOrder(rawValue: "last_seen") == .lastSeen)
        #expect(ConsoleAlertOrder(rawValue: "name") == nil)
    }
}
