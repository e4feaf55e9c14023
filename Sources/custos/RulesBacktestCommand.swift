import ArgumentParser
import CustosCore
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `custos rules backtest`: replays a time range of a server's stored history through a candidate rule file
/// (`POST /v1/rules/backtest`) and prints what it would have found, without raising anything.
struct RulesBacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Back-test a Sigma rule file over a server's stored events (docs/rules.md).",
        discussion: """
            Prints the server's answer as JSON: events_scanned, findings_count, findings_per_day, \
            findings_per_actor, findings_per_rule and the first --limit findings, each \
            {"rule","title","actor","time","severity","explanation","evidence"} as `custos rules test` writes them. \
            Rule errors are printed as file:line:column: message and the command exits with status 2. The \
            back-test is recorded as a read by the key's owner, with the rule text.
            """
    )

    @Option(name: .long, help: "The URL of a running server (e.g. http://127.0.0.1:8080).")
    var server: String

    @Option(name: .long, help: "An API key with the read scope (or set CUSTOS_API_KEY).")
    var key: String?

    @Option(name: .long, help: "The Sigma rule file (one or more YAML documents, correlations included).")
    var rule: String

    @Option(name: .long, help: "The start of the range (RFC 3339, inclusive).")
    var from: String

    @Option(name: .long, help: "The end of the range (RFC 3339, exclusive).")
    var to: String

    @Option(name: .long, help: "The most findings listed in full (0–1000, default 100).")
    var limit: Int = 100

    func run() async throws {
        guard let token = key ?? ProcessInfo.processInfo.environment["CUSTOS_API_KEY"] else {
            throw ValidationError("--key or CUSTOS_API_KEY is required")
        }
        guard let data = FileManager.default.contents(atPath: rule) else {
            throw ValidationErrorText("cannot read \(rule)")
        }
        guard
            let url = URL(string: server.hasSuffix("/") ? server + "v1/rules/backtest" : server + "/v1/rules/backtest"),
            url.scheme == "http" || url.scheme == "https"
        else { throw ValidationError("--server: not an http(s) URL") }
        let body = JSONValue.object(
            JSONObject([
                ("rule", .string(String(decoding: data, as: UTF8.self))), ("from", .string(from)),
                ("to", .string(to)), ("limit", .integer(Int64(limit))),
            ])
        )
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(CanonicalJSON.encode(body))
        request.timeoutInterval = 3600
        let (answer, response) = try await sendToServer(request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let doc = try? JSONParser().parse(Array(answer))
        guard status == 200, let doc else {
            let problem = doc?.objectValue
            if problem?["type"]?.stringValue?.hasSuffix("/invalid-rule") == true {
                for error in problem?["errors"]?.arrayValue ?? [] {
                    let o = error.objectValue
                    var location = rule
                    if case .integer(let line)? = o?["line"] {
                        location += ":\(line)"
                        if case .integer(let column)? = o?["column"] { location += ":\(column)" }
                    }
                    printError("\(location): \(o?["reason"]?.stringValue ?? "invalid")")
                }
                throw ExitCode(2)
            }
            var message = "the server answered \(status)"
            if let detail = problem?["detail"]?.stringValue { message += ": " + detail }
            throw ValidationErrorText(message)
        }
        FileHandle.standardOutput.write(Data(CanonicalJSON.encode(doc) + [0x0A]))
    }
}
