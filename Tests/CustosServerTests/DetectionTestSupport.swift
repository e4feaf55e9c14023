import CustosCore
import CustosServer
import CustosTestKit
import Foundation

/// A small rule pack for detection tests: every export is a low finding; three views by one user within twenty minutes
/// are a medium correlation finding.
enum DetectionFixtures {
    static let exportRule = """
        title: Export
        id: test-export
        logsource:
            product: custos
        detection:
            sel:
                action: export
            condition: sel
        level: low
        """

    static let viewRules = """
        title: View
        name: test_view
        logsource:
            product: custos
        detection:
            sel:
                action: view
            condition: sel
        level: informational
        ---
        title: Many views
        id: test-many-views
        correlation:
            type: event_count
            rules: test_view
            group-by:
                - actor.id
            timespan: 20m
            condition:
                gte: 3
        level: medium
        """

    /// A rules directory holding the pack; returns its path.
    static func rulesDirectory() throws -> String {
        let dir = try TemporaryDirectory()
        try Data(exportRule.utf8).write(to: URL(fileURLWithPath: dir.path + "/export.yml"))
        try Data(viewRules.utf8).write(to: URL(fileURLWithPath: dir.path + "/views.yml"))
        return dir.path
    }

    /// A deterministic mixed stream: views and exports by three users, one every 2 minutes.
    static func events(_ count: Int) -> [AccessEvent] {
        (0..<count).map { n in
            EventFixtures.event(
                id: "e-\(n)",
                minutes: Int64(n * 2),
                actor: "officer-\(n % 3)",
                action: n % 4 == 3 ? "export" : "view",
                resource: "persons/\(n)"
            )
        }
    }

    static let pseudonymizer = Pseudonymizer(secret: Array(repeating: 7, count: 32))
}
