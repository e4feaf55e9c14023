import ArgumentParser
import CustosCore
import CustosPolicy
import Foundation

/// `custos policy`: tools for the Cedar policies that govern access.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Work with Cedar policies.",
        subcommands: [Check.self, PolicyTestCommand.self]
    )

    /// `custos policy check`: a what-if run of requests against policies and entities, without a server or store.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide requests against Cedar policies and entities (what-if).",
            discussion: """
                Each non-empty line of --requests is one JSON request {"principal", "action", "resource", \
                "context"}; an entity is {"type": "T", "id": "i"}, {"__entity": {"type": "T", "id": "i"}} or the \
                Cedar literal "T::\\"i\\"". For each request one JSON line is written to standard output: \
                {"decision": "allow"|"deny", "reasons": [...], "errors": [...]}, with the ids of the determining \
                policies and of the policies that failed to evaluate, sorted.

                Policy ids are policy0, policy1, … in file order; a policy annotated @id("x") is named x instead \
                (as the Cedar CLI does). cedarpy and the Cedar library always report the positional ids (and give \
                the @id values separately); --positional-ids reports those.

                With --schema (Cedar or JSON schema syntax) the policies are validated in strict mode, and the \
                entities and every request must conform to the schema (which also types extension values such as \
                "10.0.0.1" for an ipaddr attribute). Templates (policies with ?principal or ?resource) are not \
                evaluated.

                Exit status: 0 when every request was decided; 2 for unreadable or invalid input (nothing is \
                written to standard output then), with every problem reported on standard error as \
                FILE:LINE[:COLUMN]: reason.
                """
        )

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
            case json, table
        }

        @OptionGroup var inputs: PolicyInputOptions

        @Option(name: .long, help: "The requests, one JSON object a line (- for standard input).")
        var requests: String

        @Option(name: .long, help: "Output: json (one line a request) or table.")
        var format: OutputFormat = .json

        @Flag(name: .long, help: "Add which policies decided and why, in words (an \"explanation\" member; a column).")
        var explain = false

        func run() async throws {
            do {
                try check()
            } catch {
                let shown = error.messages.prefix(CheckFailure.maximumShown)
                for message in shown { printError(message) }
                if error.messages.count > shown.count {
                    printError("… and \(error.messages.count - shown.count) more problems")
                }
                throw ExitCode(2)
            }
        }

        private func check() throws(CheckFailure) {
            let (policySet, parsedSchema, store) = try inputs.load { policySet in
                if !policySet.templates.isEmpty {
                    let ids = policySet.templates.keys.sorted().joined(separator: ", ")
                    printError("note: templates are not evaluated (they have no links): \(ids)")
                }
            }
            let parsedRequests = try Self.readRequests(requests, schema: parsedSchema)

            let authorizer = Authorizer()
            var output = Output(format: format)
            let index = PolicyIndex(policySet)
            for (line, request) in parsedRequests {
                let response = authorizer.isAuthorized(request, index: index, entities: store)
                let explanation = explain ? DecisionExplanation.explain(response, policies: policySet) : nil
                output.add(line: line, request: request, response: response, explanation: explanation)
            }
            output.finish()
        }

        // MARK: Reading input

        /// Parses the policy file; a parse error is `FILE:line:column: [policy ID: ]reason`.
        static func readPolicies(_ path: String, positionalIds: Bool) throws(CheckFailure) -> PolicySet {
            let text = try readText(path)
            do {
                return try PolicySet(parsing: text, idsFromAnnotation: !positionalIds)
            } catch {
                var message = "\(path):\(error.location): "
                if let id = error.policyID { message += "policy \(id): " }
                throw CheckFailure([message + error.reason])
            }
        }

        /// Reads the schema at `path` and validates `policySet` (read from `policyPath`) strictly against it; each
        /// problem is `POLICYFILE:line:column: policy ID: reason`.
        static func readSchema(
            _ path: String,
            validating policySet: PolicySet,
            from policyPath: String
        ) throws(CheckFailure) -> Schema {
            let schema = try readSchema(path)
            let problems = Validator(schema: schema, mode: .strict).validate(policySet)
            if !problems.isEmpty {
                throw CheckFailure(
                    problems.map { problem in
                        let at = problem.location.map { "\($0):" } ?? ""
                        return "\(policyPath):\(at) policy \(problem.policyID): \(problem.reason)"
                    }
                )
            }
            return schema
        }

        static func readBytes(_ path: String) throws(CheckFailure) -> Data {
            if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CheckFailure(["\(path): no such file"])
            }
            guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
                throw CheckFailure(["\(path): cannot read the file"])
            }
            return data
        }

        static func readText(_ path: String) throws(CheckFailure) -> String {
            let data = try readBytes(path)
            guard let text = String(data: data, encoding: .utf8) else {
                throw CheckFailure(["\(path): not valid UTF-8 text"])
            }
            return text
        }

        static func parseJSON(_ data: Data, path: String) throws(CheckFailure) -> JSONValue {
            do {
                return try JSONParser(maximumDepth: 256).parse(data)
            } catch {
                throw CheckFailure(["\(path):\(error.line):\(error.column): malformed JSON: \(error.reason)"])
            }
        }

        static func readSchema(_ path: String) throws(CheckFailure) -> Schema {
            let text = try readText(path)
            if text.drop(while: { $0.isWhitespace }).first == "{" {
                let json = try parseJSON(Data(text.utf8), path: path)
                do {
                    return try Schema(json: json)
                } catch {
                    throw CheckFailure(["\(path): invalid JSON schema: \(error)"])
                }
            }
            do {
                return try Schema(parsing: text)
            } catch {
                throw CheckFailure(["\(path):\(error.location): invalid schema: \(error.reason)"])
            }
        }

        static func readEntities(_ path: String, schema: Schema?) throws(CheckFailure) -> EntityStore {
            let json = try parseJSON(try readBytes(path), path: path)
            do {
                return try CedarJSON.entities(json, schema: schema)
            } catch {
                throw CheckFailure(["\(path): \(describeEntityError(error, in: json))"])
            }
        }

        /// "entity [3] User::"alice": attrs.age: reason" — the index and, when readable, the uid of the entity.
        static func describeEntityError(_ error: DataFormatError, in json: JSONValue) -> String {
            guard error.path.hasPrefix("["), let close = error.path.firstIndex(of: "]"),
                let index = Int(error.path[error.path.index(after: error.path.startIndex)..<close])
            else { return error.description }
            var subject = "entity [\(index)]"
            if case .array(let list) = json, index < list.count, case .object(let object) = list[index],
                let uidJSON = object["uid"], let uid = try? CedarJSON.entityUID(uidJSON)
            {
                subject += " \(uid)"
            }
            var rest = String(error.path[error.path.index(after: close)...])
            if rest.hasPrefix(".") { rest.removeFirst() }
            return rest.isEmpty ? "\(subject): \(error.reason)" : "\(subject): \(rest): \(error.reason)"
        }

        /// Every request with its 1-based line number; all malformed lines are reported together.
        static func readRequests(_ path: String, schema: Schema?) throws(CheckFailure) -> [(Int, AuthorizationRequest)]
        {
            var result: [(Int, AuthorizationRequest)] = []
            var problems: [String] = []
            try readJSONLines(path, problems: &problems) { lineNumber, json, problems in
                do {
                    result.append((lineNumber, try CedarJSON.request(json, schema: schema)))
                } catch {
                    problems.append("\(path):\(lineNumber): invalid request: \(error)")
                }
            }
            if !problems.isEmpty { throw CheckFailure(problems) }
            return result
        }

        /// Calls `each` with every non-blank line of the file at `path` (`-`: standard input) parsed as JSON, its
        /// 1-based number and `problems` to add to; a line that is not JSON is added to `problems` as
        /// `FILE:line:column: malformed JSON: …`.
        static func readJSONLines(
            _ path: String,
            problems: inout [String],
            _ each: (Int, JSONValue, inout [String]) -> Void
        ) throws(CheckFailure) {
            let bytes = [UInt8](try readBytes(path))
            let parser = JSONParser(maximumDepth: 256)
            var lineNumber = 0
            var start = 0
            while start < bytes.count {
                lineNumber += 1
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                let line = bytes[start..<end]
                start = end + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let json: JSONValue
                do {
                    json = try parser.parse(line)
                } catch {
                    problems.append("\(path):\(lineNumber):\(error.column): malformed JSON: \(error.reason)")
                    continue
                }
                each(lineNumber, json, &problems)
            }
        }
    }
}

/// Input problems that stop `custos policy check` (exit status 2).
struct CheckFailure: Error {
    static let maximumShown = 50
    var messages: [String]
    /// The messages, each once (the validator can report one problem twice), in order.
    init(_ messages: [String]) {
        var seen = Set<String>()
        self.messages = messages.filter { seen.insert($0).inserted }
    }
}

/// Writes the decisions as JSON lines or as a table.
private struct Output {
    let format: PolicyCommand.Check.OutputFormat
    var buffer: [UInt8] = []
    var rows: [[String]] = []

    init(format: PolicyCommand.Check.OutputFormat) {
        self.format = format
    }

    mutating func add(
        line: Int,
        request: AuthorizationRequest,
        response: AuthorizationResponse,
        explanation: String? = nil
    ) {
        let reasons = response.reasons.sorted()
        let errors = Set(response.errors.map(\.policyID)).sorted()
        switch format {
        case .json:
            buffer.append(contentsOf: #"{"decision":"#.utf8)
            CanonicalJSON.writeString(response.decision.rawValue, into: &buffer)
            buffer.append(contentsOf: #","reasons":"#.utf8)
            write(reasons)
            buffer.append(contentsOf: #","errors":"#.utf8)
            write(errors)
            if let explanation {
                buffer.append(contentsOf: #","explanation":"#.utf8)
                CanonicalJSON.writeString(explanation, into: &buffer)
            }
            buffer.append(contentsOf: "}\n".utf8)
            if buffer.count > 1 << 16 { flush() }
        case .table:
            rows.append(
                [
                    String(line), request.principal.description, request.action.description,
                    request.resource.description, response.decision.rawValue,
                    reasons.joined(separator: ","), errors.joined(separator: ","),
                ] + (explanation.map { [$0] } ?? [])
            )
        }
    }

    private mutating func write(_ ids: [String]) {
        buffer.append(UInt8(ascii: "["))
        for (i, id) in ids.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            CanonicalJSON.writeString(id, into: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    private mutating func flush() {
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func finish() {
        if format == .table {
            var header = ["LINE", "PRINCIPAL", "ACTION", "RESOURCE", "DECISION", "REASONS", "ERRORS"]
            if rows.first?.count == header.count + 1 { header.append("EXPLANATION") }
            let all = [header] + rows
            var widths = [Int](repeating: 0, count: header.count)
            for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            for row in all {
                var text = ""
                for (i, cell) in row.enumerated() {
                    if i == row.count - 1 {
                        text += cell
                    } else {
                        text += cell + String(repeating: " ", count: widths[i] - cell.count + 2)
                    }
                }
                while text.last == " " { text.removeLast() }
                buffer.append(contentsOf: (text + "\n").utf8)
            }
        }
        flush()
    }
}
