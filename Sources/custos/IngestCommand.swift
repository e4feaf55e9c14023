import ArgumentParser
import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `custos ingest FILE|-`: loads NDJSON events into a running server or straight into a data directory.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load NDJSON access events from a file or standard input (-).",
        discussion: """
            Each batch of --batch lines is stored atomically: an invalid batch stops the load with the line \
            number, field and reason of each problem, and the batches before it stay stored. Re-running the same \
            file is safe: events with ids are acknowledged, not stored twice.
            """
    )

    @Argument(help: "An NDJSON file, or - for standard input.")
    var file: String

    @OptionGroup var target: TargetOptions

    @Option(name: .long, help: "Events per request (1 to 10000).")
    var batch: Int = 1000

    @Option(name: .long, help: "Requests in flight at once (1 to 16).")
    var parallel: Int = 4

    func validate() throws {
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch must be from 1 to 10000") }
        guard (1...16).contains(parallel) else { throw ValidationError("--parallel must be from 1 to 16") }
    }

    func run() async throws {
        var reader = try NDJSONReader(path: file)
        var progress = ProgressLine(total: NDJSONReader.countLines(path: file))
        let sink: any BatchSink
        if let server = target.server {
            guard let key = target.apiKey else { throw ValidationError("--server needs --key or CUSTOS_API_KEY") }
            sink = try HTTPSink(server: server, key: key)
        } else {
            sink = try DirectSink(directory: target.dataDirectory)
        }
        var done = 0
        var stored = 0
        var duplicates = 0
        try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
            var inFlight = 0
            while let chunk = try reader.next(lines: batch) {
                if inFlight == parallel, let r = try await group.next() {
                    inFlight -= 1
                    done += r.0
                    stored += r.1
                    duplicates += r.2
                    progress.update(done)
                }
                group.addTask { try await sink.send(chunk.bytes, firstLine: chunk.firstLine) }
                inFlight += 1
            }
            for try await r in group {
                done += r.0
                stored += r.1
                duplicates += r.2
                progress.update(done)
            }
        }
        try await sink.finish()
        printError("Ingested " + progress.finish(done) + ": \(stored) stored, \(duplicates) already present.")
    }
}

/// Somewhere batches of NDJSON go.
protocol BatchSink: Sendable {
    /// Stores one batch; returns (events, stored, duplicates).
    func send(_ bytes: [UInt8], firstLine: Int) async throws -> (Int, Int, Int)
    /// Waits until what was sent is complete where it went.
    func finish() async throws
}

extension BatchSink {
    func finish() async throws {}
}

/// The file line of each event in an NDJSON batch whose first line is `firstLine` (blank lines hold no event), and
/// the batch's last line, so that errors name the line a user can open.
func eventLines(_ bytes: [UInt8], firstLine: Int) -> (lines: [Int], last: Int) {
    var lines: [Int] = []
    var line = firstLine
    var blank = true
    for b in bytes {
        if b == 0x0A {
            if !blank { lines.append(line) }
            line += 1
            blank = true
        } else if b != 0x20 && b != 0x0D && b != 0x09 {
            blank = false
        }
    }
    if !blank { lines.append(line) }
    return (lines, line)
}

/// A failure in a batch, with the file's line numbers.
struct BatchFailure: Error, CustomStringConvertible {
    let description: String
}

/// Sends batches straight into a data directory.
struct DirectSink: BatchSink {
    let local: LocalStore

    init(directory: String) throws {
        local = try LocalStore(directory: directory, creating: true)
    }

    /// Waits for the index file to hold the postings of everything stored, so the next open need not derive them.
    func finish() async throws {
        try await local.store.waitForPostings()
    }

    func send(_ bytes: [UInt8], firstLine: Int) async throws -> (Int, Int, Int) {
        let (lines, line) = eventLines(bytes, firstLine: firstLine)
        switch EventBatchDecoder().decode(bytes, framing: .ndjson) {
        case .failure(let error):
            let text = error.issues.map { issue -> String in
                let where_ = issue.index.map { "line \(lines[$0])" } ?? "lines \(firstLine)–\(line)"
                return "\(where_): \(issue.path.isEmpty ? "" : issue.path + ": ")\(issue.reason)"
            }
            throw BatchFailure(description: "batch refused, nothing of it stored:\n" + text.joined(separator: "\n"))
        case .success(let events):
            switch try await local.pipeline.submit(events) {
            case .accepted(let r): return (events.count, r.stored, r.duplicates)
            case .conflict(let c):
                throw BatchFailure(
                    description: "batch refused, nothing of it stored:\n"
                        + c.map {
                            "line \(lines[$0.index]): id: \"\($0.id)\" is stored with different content (seq \($0.existingSeq))"
                        }
                        .joined(separator: "\n")
                )
            }
        }
    }
}

/// Sends batches to a running server's `POST /v1/events`, retrying on 503.
struct HTTPSink: BatchSink {
    let url: URL
    let key: String

    init(server: String, key: String) throws {
        guard let u = URL(string: server.hasSuffix("/") ? server + "v1/events" : server + "/v1/events") else {
            throw ValidationError("--server: not a URL")
        }
        url = u
        self.key = key
    }

    func send(_ bytes: [UInt8], firstLine: Int) async throws -> (Int, Int, Int) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(bytes)
        for attempt in 0..<60 {
            let (data, response) = try await sendToServer(request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if status == 503 {
                try await Task.sleep(for: .milliseconds(200 * min(attempt + 1, 10)))
                continue
            }
            let doc = try? JSONParser().parse(Array(data))
            guard status == 200, case .object(let o)? = doc else {
                var text = "the server answered \(status)"
                if case .object(let o)? = doc {
                    if case .string(let d)? = o["detail"] { text += ": " + d }
                    if case .array(let errors)? = o["errors"] {
                        let lines = eventLines(bytes, firstLine: firstLine).lines
                        for e in errors.prefix(20) {
                            guard case .object(let eo) = e else { continue }
                            var line = ""
                            if case .integer(let i)? = eo["index"] {
                                line = lines.indices.contains(Int(i)) ? "line \(lines[Int(i)]): " : "event \(i): "
                            }
                            if case .string(let p)? = eo["path"], !p.isEmpty { line += p + ": " }
                            if case .string(let r)? = eo["reason"] { line += r }
                            text += "\n" + line
                        }
                    }
                }
                throw BatchFailure(description: text)
            }
            func int(_ k: String) -> Int { if case .integer(let i)? = o[k] { return Int(i) } else { return 0 } }
            return (int("accepted"), int("stored"), int("duplicates"))
        }
        throw BatchFailure(description: "the server stayed overloaded (503) for a minute")
    }
}
