import ArgumentParser
import CustosCore
import Foundation

/// `custos findings export`: the findings of a running server, one JSON line each, in the shape `custos rules test`
/// writes, so that live findings and back-tests compare line for line.
struct FindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "Export the findings of a running server (triage scope).",
        subcommands: [Export.self]
    )

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every finding as NDJSON: {rule,title,actor,time,severity,explanation,evidence}.",
            discussion: "Users are pseudonymised unless --reveal is given (the export is recorded either way)."
        )
        @OptionGroup var target: ServerTarget
        @Option(help: "Only ndjson.") var format: String = "ndjson"
        @Flag(help: "Show users' ids instead of pseudonyms.") var reveal = false

        func run() async throws {
            guard format == "ndjson" else { throw ValidationError("--format: only ndjson is supported") }
            var cursor: String?
            var out: [UInt8] = []
            repeat {
                var p = ["limit": "10000"]
                if reveal { p["reveal"] = "true" }
                if let cursor { p["cursor"] = cursor }
                let doc = try await target.send("GET", "/v1/findings", parameters: p)
                for item in doc.objectValue?["findings"]?.arrayValue ?? [] {
                    guard let o = item.objectValue else { continue }
                    let line = JSONObject(
                        ["rule", "title", "actor", "time", "severity", "explanation", "evidence"].map {
                            ($0, o[$0] ?? .null)
                        }
                    )
                    CanonicalJSON.write(.object(line), into: &out)
                    out.append(0x0A)
                }
                FileHandle.standardOutput.write(Data(out))
                out.removeAll(keepingCapacity: true)
                cursor = doc.objectValue?["next_cursor"]?.stringValue
            } while cursor != nil
        }
    }
}
