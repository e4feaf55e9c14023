import ArgumentParser
import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

/// Where a command finds Custos: a data directory on this machine, or a running server.
struct TargetOptions: ParsableArguments {
    @Option(name: .long, help: "The data directory of the embedded store.")
    var data: String?

    @Option(name: .long, help: "The URL of a running server (e.g. http://127.0.0.1:8080).")
    var server: String?

    @Option(name: .long, help: "The API key for --server (or set CUSTOS_API_KEY).")
    var key: String?

    func validate() throws {
        if data != nil && server != nil { throw ValidationError("give --data or --server, not both") }
    }

    /// The API key from the option or the environment.
    var apiKey: String? { key ?? ProcessInfo.processInfo.environment["CUSTOS_API_KEY"] }

    /// The data directory to use when no server is given.
    var dataDirectory: String { data ?? "./custos-data" }
}

/// The actor recorded for reads made straight from a data directory: the local operating-system user.
var localActor: String {
    "local:"
        + (ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"] ?? "unknown")
}

/// Writes to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// Whether standard error is a terminal (for progress lines).
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

/// A progress line on standard error: done/total and rate, redrawn in place on a terminal.
struct ProgressLine {
    let total: Int?
    let start = ContinuousClock.now
    var lastDraw = ContinuousClock.now

    init(total: Int?) {
        self.total = total
    }

    mutating func update(_ done: Int, force: Bool = false) {
        guard standardErrorIsTerminal else { return }
        let now = ContinuousClock.now
        guard force || now - lastDraw > .milliseconds(200) else { return }
        lastDraw = now
        let seconds = max(Self.seconds(now - start), 0.001)
        let rate = Int(Double(done) / seconds)
        let totalText = total.map { "/\($0)" } ?? ""
        FileHandle.standardError.write(Data("\r\(done)\(totalText) events, \(rate) events/s   ".utf8))
    }

    func finish(_ done: Int) -> String {
        let seconds = max(Self.seconds(ContinuousClock.now - start), 0.001)
        if standardErrorIsTerminal { FileHandle.standardError.write(Data("\r".utf8)) }
        return "\(done) events in \(String(format: "%.1f", seconds)) s (\(Int(Double(done) / seconds)) events/s)"
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// Prints a line to standard output and flushes it at once (so scripts waiting for it see it).
func printFlushed(_ s: String) {
    FileHandle.standardOutput.write(Data((s + "\n").utf8))
}
