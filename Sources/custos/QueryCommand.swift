import ArgumentParser
import CustosCore
import CustosServer
import CustosStore
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `custos query …`: the query API on the command line, against a server or a data directory.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Query access events: the same filters and pages as the API. Every query is itself recorded.",
        subcommands: [Events.self, Timeline.self, Session.self, Dataset.self, Subject.self]
    )

    /// Options every query shares.
    struct Output: ParsableArguments {
        @Option(
            name: .long,
            help: "json, table, csv, or for events ndjson (default table on a terminal, json otherwise)."
        )
        var format: String?

        @Option(name: .long, help: "Events or rows per page.")
        var limit: Int?

        @Option(name: .long, help: "Continue from the next_cursor of a previous page.")
        var cursor: String?

        @Option(name: .long, help: "Earliest event time (RFC 3339).")
        var from: String?

        @Option(name: .long, help: "End of the time range, exclusive (RFC 3339).")
        var to: String?

        var outputFormat: OutputFormat {
            get throws {
                guard let format else { return isatty(1) == 1 ? .table : .json }
                guard let f = OutputFormat(rawValue: format) else {
                    throw ValidationError("--format must be json, table or csv")
                }
                return f
            }
        }

        var common: [String: String] {
            var p: [String: String] = [:]
            if let limit { p["limit"] = String(limit) }
            if let cursor { p["cursor"] = cursor }
            if let from { p["from"] = from }
            if let to { p["to"] = to }
            return p
        }
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Events matching filters, newest first.")
        @OptionGroup var target: TargetOptions
        @OptionGroup var output: Output
        @Option var actor: String?
        @Option var session: String?
        @Option var action: String?
        @Option(help: "success, denied or failure.") var outcome: String?
        @Option var dataset: String?
        @Option var resource: String?
        @Option var subject: String?
        @Option var app: String?
        @Option(help: "asc or desc.") var order: String?
        @Flag(help: "Add each event's ledger proof and signed checkpoint, for custos verify --event.")
        var proofs = false

        func run() async throws {
            var p = output.common
            if proofs { p["proofs"] = "true" }
            for (k, v) in [
                ("actor", actor), ("session", session), ("action", action), ("outcome", outcome),
                ("dataset", dataset), ("resource", resource), ("subject", subject), ("app", app), ("order", order),
            ] {
                if let v { p[k] = v }
            }
            let doc = try await QueryRunner(target: target).run(path: "/v1/events", parameters: p) { store, params in
                var params = params
                params.values["proofs"] = nil
                let q = try params.eventQuery()
                if proofs {
                    let doc = try await LocalProofs.eventsWithProofs(
                        q,
                        store: store,
                        dataDirectory: target.dataDirectory
                    )
                    return (doc, q.subject.map { [$0] } ?? [])
                }
                return (ResultEncoding.json(try await store.events(q)), q.subject.map { [$0] } ?? [])
            }
            if output.format == "ndjson" {
                ExportPrinter.printLines(doc)
                return
            }
            try Printer.print(doc, format: output.outputFormat, rowsKey: "events")
        }
    }

    struct Timeline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One actor's sessions, newest first.")
        @Argument(help: "The actor id.") var actor: String
        @OptionGroup var target: TargetOptions
        @OptionGroup var output: Output

        func validate() throws {
            guard !actor.isEmpty else { throw ValidationError("the actor id must not be empty") }
        }

        func run() async throws {
            let doc = try await QueryRunner(target: target).run(
                path: "/v1/actors/\(QueryRunner.escape(actor))/timeline",
                parameters: output.common
            ) { store, params in
                let page = try await store.timeline(
                    TimelineQuery(
                        actor: actor,
                        range: try params.range(),
                        cursor: try params.cursor(),
                        limit: try params.limit(default: 50, maximum: 1000)
                    )
                )
                return (ResultEncoding.json(page, actor: actor), [])
            }
            try Printer.print(doc, format: output.outputFormat, rowsKey: "sessions")
        }
    }

    struct Session: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One session's events in order.")
        @Argument(help: "The session id.") var session: String
        @OptionGroup var target: TargetOptions
        @OptionGroup var output: Output

        func validate() throws {
            guard !session.isEmpty else { throw ValidationError("the session id must not be empty") }
        }

        func run() async throws {
            var p = output.common
            p["from"] = nil
            p["to"] = nil
            let doc = try await QueryRunner(target: target).run(
                path: "/v1/sessions/\(QueryRunner.escape(session))",
                parameters: p
            ) { store, params in
                guard
                    let r = try await store.session(
                        SessionQuery(
                            session: session,
                            cursor: try params.cursor(),
                            limit: try params.limit(default: 500, maximum: 5000)
                        )
                    )
                else { throw ValidationErrorText("no events carry session id \"\(session)\"") }
                return (ResultEncoding.json(r, session: session), [])
            }
            try Printer.print(doc, format: output.outputFormat, rowsKey: "events")
        }
    }

    struct Dataset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Who accessed a dataset: per actor totals.")
        @Argument(help: "The dataset id.") var dataset: String
        @OptionGroup var target: TargetOptions
        @OptionGroup var output: Output

        func validate() throws {
            guard !dataset.isEmpty else { throw ValidationError("the dataset id must not be empty") }
        }

        func run() async throws {
            var p = output.common
            p["cursor"] = nil
            let doc = try await QueryRunner(target: target).run(
                path: "/v1/datasets/\(QueryRunner.escape(dataset))/access",
                parameters: p
            ) { store, params in
                let r = try await store.datasetAccess(
                    DatasetAccessQuery(
                        dataset: dataset,
                        range: try params.range(),
                        limit: try params.limit(default: 1000, maximum: 100_000)
                    )
                )
                return (ResultEncoding.json(r), [])
            }
            try Printer.print(doc, format: output.outputFormat, rowsKey: "actors")
        }
    }

    struct Subject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every access to one person's data (the accounting of disclosures)."
        )
        @Argument(help: "The subject id (e.g. person:123).") var subject: String
        @OptionGroup var target: TargetOptions
        @OptionGroup var output: Output

        func validate() throws {
            guard !subject.isEmpty else { throw ValidationError("the subject id must not be empty") }
        }

        func run() async throws {
            let doc = try await QueryRunner(target: target).run(
                path: "/v1/subjects/\(QueryRunner.escape(subject))/access",
                parameters: output.common
            ) { store, params in
                let page = try await store.subjectAccess(
                    SubjectAccessQuery(
                        subject: subject,
                        range: try params.range(),
                        cursor: try params.cursor(),
                        limit: try params.limit(default: 100, maximum: 1000)
                    )
                )
                return (ResultEncoding.json(page), [subject])
            }
            try Printer.print(doc, format: output.outputFormat, rowsKey: "events")
        }
    }
}

/// Runs one query against a server (HTTP) or a data directory (recording the read as the local user).
struct QueryRunner {
    let target: TargetOptions

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#")))
            ?? s
    }

    func run(
        path: String,
        parameters: [String: String],
        local: (any EventStore, QueryParameters) async throws -> (JSONValue, [String])
    ) async throws -> JSONValue {
        if let server = target.server {
            guard let key = target.apiKey else { throw ValidationError("--server needs --key or CUSTOS_API_KEY") }
            guard var components = URLComponents(string: server) else { throw ValidationError("--server: not a URL") }
            components.percentEncodedPath = components.percentEncodedPath.trimmingSuffix("/") + path
            if !parameters.isEmpty {
                components.queryItems = parameters.sorted { $0.key < $1.key }.map {
                    URLQueryItem(name: $0.key, value: $0.value)
                }
            }
            guard let url = components.url else { throw ValidationError("--server: not a URL") }
            var request = URLRequest(url: url)
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
            let (data, response) = try await sendToServer(request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let doc = try? JSONParser().parse(Array(data))
            guard status == 200, let doc else {
                var message = "the server answered \(status)"
                if case .object(let o)? = doc, case .string(let d)? = o["detail"] { message += ": " + d }
                throw ValidationErrorText(message)
            }
            return doc
        }
        let params = QueryParameters(parameters)
        let store = try LocalStore(directory: target.dataDirectory)
        do {
            let (doc, subjects) = try await local(store.store, params)
            let query = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            try await store.record(
                action: "custos.read",
                resourceType: "custos.cli",
                resourceID: String(path.dropFirst(4)),
                query: "GET " + path + (query.isEmpty ? "" : "?" + query),
                subjects: subjects
            )
            return doc
        } catch let p as Problem {
            throw ValidationErrorText(p.detail)
        }
    }
}

/// Prints a query result as JSON, CSV or a table.
enum Printer {
    static func print(_ doc: JSONValue, format: OutputFormat, rowsKey: String) throws {
        guard format != .json else {
            Swift.print(CanonicalJSON.string(doc))
            return
        }
        guard case .object(let o) = doc, case .array(let items)? = o[rowsKey] else {
            Swift.print(CanonicalJSON.string(doc))
            return
        }
        var header: [String] = columns[rowsKey] ?? []
        var rows: [[String]] = []
        for item in items {
            guard case .object(let io) = item else { continue }
            if rowsKey == "events" {
                rows.append(header.map { cell(eventField: $0, io) })
            } else {
                if header.isEmpty { header = io.keys }
                rows.append(header.map { io[$0].map(text) ?? "" })
            }
        }
        let out =
            format == .csv
            ? ResultEncoding.csv(header: header, rows: rows) : ResultEncoding.table(header: header, rows: rows)
        Swift.print(out, terminator: "")
        if case .string(let next)? = o["next_cursor"] {
            FileHandle.standardError.write(Data("next page: --cursor \(next)\n".utf8))
        }
    }

    /// The column order of each listing's table and CSV output.
    private static let columns: [String: [String]] = [
        "events": ResultEncoding.eventColumns,
        "sessions": ["session", "start", "end", "events", "rows", "bytes", "denied", "datasets", "actions"],
        "actors": ["actor", "events", "rows", "bytes", "first", "last"],
        "alerts": [
            "id", "status", "severity", "risk_score", "finding_count", "actor", "assignee", "last_seen", "rules",
        ],
    ]

    private static func text(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): s
        case .integer(let i): String(i)
        case .array(let a): a.map(text).joined(separator: " ")
        case .null: ""
        default: CanonicalJSON.string(v)
        }
    }

    private static func cell(eventField name: String, _ o: JSONObject) -> String {
        func sub(_ a: String, _ b: String) -> String {
            if case .object(let x)? = o[a], let v = x[b] { return text(v) }
            return ""
        }
        switch name {
        case "actor": return sub("actor", "id")
        case "session": return sub("actor", "session")
        case "dataset": return sub("resource", "dataset")
        case "resource": return sub("resource", "id")
        case "case": return sub("purpose", "case")
        default: return o[name].map(text) ?? ""
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
