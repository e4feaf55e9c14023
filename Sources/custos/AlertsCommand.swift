import ArgumentParser
import CustosCore
import CustosServer
import Foundation

/// `custos alerts …`: list, read and triage alerts on a running server (docs/alerts.md). Every action is recorded
/// in the ledger; nobody can triage an alert about themselves.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List, show and triage alerts on a running server (triage scope).",
        subcommands: [
            List.self, Show.self, Assign.self, Comment.self, Ack.self, Resolve.self, Reopen.self, Reveal.self,
        ]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Alerts, newest first; users are pseudonymised.")
        @OptionGroup var target: ServerTarget
        @Option(help: "open, acknowledged or resolved.") var status: String?
        @Option(help: "informational, low, medium, high or critical.") var severity: String?
        @Option(help: "Only alerts with a finding of this rule.") var rule: String?
        @Option(help: "Only alerts assigned to this owner.") var assignee: String?
        @Option(help: "Latest finding at or after (RFC 3339).") var since: String?
        @Option(help: "Latest finding before (RFC 3339).") var until: String?
        @Option(help: "Continue from the next_cursor of a previous page.") var cursor: String?
        @Option(help: "Alerts per page.") var limit: Int?
        @Option(help: "json or table (default table on a terminal, json otherwise).") var format: String?

        func run() async throws {
            var p: [String: String] = [:]
            for (k, v) in [
                ("status", status), ("severity", severity), ("rule", rule), ("assignee", assignee), ("since", since),
                ("until", until), ("cursor", cursor), ("limit", limit.map(String.init)),
            ] {
                if let v { p[k] = v }
            }
            let doc = try await target.send("GET", "/v1/alerts", parameters: p)
            let f: OutputFormat = format.flatMap(OutputFormat.init(rawValue:)) ?? (isatty(1) == 1 ? .table : .json)
            try Printer.print(doc, format: f, rowsKey: "alerts")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One alert: findings, evidence, history.")
        @OptionGroup var target: ServerTarget
        @Argument(help: "The alert id.") var id: Int64

        func run() async throws { print(CanonicalJSON.string(try await target.send("GET", "/v1/alerts/\(id)"))) }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign an alert.")
        @OptionGroup var target: ServerTarget
        @Argument(help: "The alert id.") var id: Int64
        @Option(help: "Who investigates it.") var to: String

        func run() async throws {
            try await AlertsCommand.post(target, id, "assign", [("assignee", .string(to))])
        }
    }

    struct Comment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Comment on an alert.")
        @OptionGroup var target: ServerTarget
        @Argument(help: "The alert id.") var id: Int64
        @Argument(help: "The comment.") var text: String

        func run() async throws { try await AlertsCommand.post(target, id, "comment", [("text", .string(text))]) }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge an open alert.")
        @OptionGroup var target: ServerTarget
        @Argument(help: "The alert id.") var id: Int64

        func run() async throws { try await AlertsCommand.post(target, id, "acknowledge", []) }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve an alert with a disposition.")
        @OptionGroup var target: ServerTarget
        @Argument(help: "The alert id.") var id: Int64
        @Option(help: "true_positive, benign or false_positive.") var disposition: String
        @Option(help: "A note.") var note: String?

        func run() async throws {
            var fields: [(String, JSONValue)] = [("disposition", .string(disposition))]
            if let note { fields.append(("note", .string(note))) }
            try await AlertsCommand.post(target, id, "resolve", fields)
        }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reopen a resolved alert.")
        @OptionGroup var target: ServerTarget
        @Argument(help: "The alert id.") var id: Int64
        @Option(help: "A note.") var note: String?

        func run() async throws {
            try await AlertsCommand.post(target, id, "reopen", note.map { [("note", .string($0))] } ?? [])
        }
    }

    struct Reveal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reveal the user behind an alert (recorded).")
        @OptionGroup var target: ServerTarget
        @Argument(help: "The alert id.") var id: Int64
        @Option(help: "Why the name is needed (recorded).") var reason: String

        func run() async throws { try await AlertsCommand.post(target, id, "reveal", [("reason", .string(reason))]) }
    }

    static func post(
        _ target: ServerTarget,
        _ id: Int64,
        _ action: String,
        _ fields: [(String, JSONValue)]
    ) async throws {
        let doc = try await target.send("POST", "/v1/alerts/\(id)/\(action)", body: .object(JSONObject(fields)))
        print(CanonicalJSON.string(doc))
    }
}
