import ArgumentParser
import CustosCore
import CustosDetect
import Foundation

/// `custos explain`: explanation-based auditing of an event file against the reference data.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Report which accesses to people the reference data explains, and list those it does not.",
        discussion: """
            Each subject of each event is classified (docs/reference-data.md): explained by an assignment, a \
            former assignment before a role change, a referral, supervision of the case's office, a records \
            request, a support ticket or a scheduled job — or unexplained. Reports the share explained overall, \
            per role (as of the event) and per user, and lists every unexplained access.
            """
    )

    @Option(name: .long, help: "The NDJSON event file ('-' for standard input).")
    var events: String

    @Option(name: .long, help: "Reference data (Cedar entities JSON).")
    var reference: String

    @Option(name: .long, help: "Output format: table or json.")
    var format: String = "table"

    func validate() throws {
        guard ["table", "json"].contains(format) else { throw ValidationError("--format must be table or json") }
    }

    struct Tally {
        var accesses = 0
        var explained = 0

        mutating func add(_ isExplained: Bool) {
            accesses += 1
            if isExplained { explained += 1 }
        }

        var share: Double { accesses == 0 ? 1 : Double(explained) / Double(accesses) }

        var jsonValue: JSONValue {
            .object(
                JSONObject([
                    ("accesses", .integer(Int64(accesses))), ("explained", .integer(Int64(explained))),
                    ("share_explained", .double((share * 10_000).rounded() / 10_000)),
                ])
            )
        }
    }

    struct Unexplained {
        var event: String
        var time: String
        var actor: String
        var subject: String
        var action: String
    }

    func run() async throws {
        let explanation = AccessExplanation(entities: try RulePack.loadEntities(reference))
        var total = Tally()
        var byRole: [String: Tally] = [:]
        var byUser: [String: Tally] = [:]
        var byReason: [String: Int] = [:]
        var unexplained: [Unexplained] = []
        try NDJSONEventReader(path: events).readEach { read in
            let fields = read.fields
            let time = read.time
            let lineNumber = read.line
            let actor = fields["actor"]?.objectValue?["id"]?.stringValue ?? ""
            let role = explanation.role(of: actor, at: time) ?? "(unknown)"
            for classified in explanation.classify(fields, time: time) {
                let isExplained = classified.reason.isExplained
                total.add(isExplained)
                byRole[role, default: Tally()].add(isExplained)
                byUser[actor, default: Tally()].add(isExplained)
                byReason[classified.reason.rawValue, default: 0] += 1
                if !isExplained {
                    unexplained.append(
                        Unexplained(
                            event: fields["id"]?.stringValue ?? "line \(lineNumber)",
                            time: time.rfc3339,
                            actor: actor,
                            subject: classified.subject,
                            action: fields["action"]?.stringValue ?? ""
                        )
                    )
                }
            }
        }
        let users = byUser.sorted { ($0.value.share, $0.key) < ($1.value.share, $1.key) }
        if format == "json" {
            let report = JSONValue.object(
                JSONObject([
                    ("total", total.jsonValue),
                    (
                        "by_reason",
                        .object(
                            JSONObject(byReason.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })
                        )
                    ),
                    (
                        "by_role",
                        .object(JSONObject(byRole.sorted { $0.key < $1.key }.map { ($0.key, $0.value.jsonValue) }))
                    ),
                    ("by_user", .object(JSONObject(users.map { ($0.key, $0.value.jsonValue) }))),
                    (
                        "unexplained",
                        .array(
                            unexplained.map {
                                .object(
                                    JSONObject([
                                        ("event", .string($0.event)), ("time", .string($0.time)),
                                        ("actor", .string($0.actor)), ("subject", .string($0.subject)),
                                        ("action", .string($0.action)),
                                    ])
                                )
                            }
                        )
                    ),
                ])
            )
            print(String(decoding: CanonicalJSON.encode(report), as: UTF8.self))
            return
        }
        func percent(_ tally: Tally) -> String { String(format: "%.1f %%", tally.share * 100) }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var lines = [
            "subject accesses \(total.accesses), explained \(total.explained) (\(percent(total))), "
                + "unexplained \(total.accesses - total.explained)",
            "",
            "by reason:",
        ]
        for (reason, count) in byReason.sorted(by: { $0.key < $1.key }) {
            lines.append("  " + pad(reason, 20) + "\(count)")
        }
        lines += ["", "by role:"]
        for (role, tally) in byRole.sorted(by: { $0.key < $1.key }) {
            lines.append("  " + pad(role, 20) + pad("\(tally.explained)/\(tally.accesses)", 18) + percent(tally))
        }
        lines += ["", "by user (users with unexplained accesses, least explained first):"]
        for (user, tally) in users where tally.explained < tally.accesses {
            lines.append("  " + pad(user, 20) + pad("\(tally.explained)/\(tally.accesses)", 18) + percent(tally))
        }
        lines += ["", "unexplained accesses:"]
        for item in unexplained {
            lines.append(
                "  \(item.time)  " + pad(item.actor, 18) + pad(item.subject, 16) + pad(item.action, 10) + item.event
            )
        }
        print(lines.joined(separator: "\n"))
    }
}
