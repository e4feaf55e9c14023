import CustosCore
import CustosStore
import Foundation
import Hummingbird

extension CustosAPI {
    func addConsoleAdminRoutes(_ console: Console, to router: Router<CustosRequestContext>) {
        router.get("/rules") { request, _ in
            try await self.page(console, request, .rules) { signedIn in
                let c = console.configuration
                var data: [String: Any] = [
                    "ruleCount": c.rules.count, "rulesDirectory": c.rulesDirectory ?? "",
                    "rules": c.rules.map { r in
                        [
                            "title": r.title, "level": r.level ?? "", "description": r.description ?? "",
                            "file": r.file,
                        ]
                    },
                ]
                if let text = c.policyText {
                    data["policy"] = ["text": text, "sha": self.policies?.policySetSHA256 ?? "not loaded"]
                }
                return self.render(
                    console,
                    "rules",
                    title: "Rules & policies",
                    signedIn: signedIn,
                    section: .rules,
                    data: data
                )
            }
        }
        router.get("/admin/accounts") { request, _ in
            try await self.page(console, request, .accounts) { signedIn in
                let accounts = try await console.accounts.allAccounts()
                return self.render(
                    console,
                    "accounts",
                    title: "Accounts",
                    signedIn: signedIn,
                    section: .accounts,
                    data: [
                        "accounts": accounts.map { a in
                            [
                                "username": a.username, "role": a.role.title, "actor": a.actor,
                                "units": a.orgUnits.joined(separator: ", "), "created": ConsoleFormat.time(a.created),
                                "status": a.disabled.map { "disabled " + ConsoleFormat.time($0) } ?? "active",
                            ]
                        }
                    ]
                )
            }
        }
    }
}
