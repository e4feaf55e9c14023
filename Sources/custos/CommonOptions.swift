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

/// Throws unless `port` is one a server can listen on (`serve`, `demo`; 0 picks a free one).
func validatePort(_ port: Int) throws {
    guard (0...65535).contains(port) else { throw ValidationError("--port: must be a whole number from 0 to 65535") }
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

/// A progress line on standard error: done/total, share done, rate and time left, redrawn in place on a terminal.
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
        let text = Self.text(done: done, total: total, seconds: Self.seconds(now - start))
        FileHandle.standardError.write(Data("\r\(text)   ".utf8))
    }

    /// The line after `seconds` with `done` events of `total` (when known): e.g. `40000/205332 events (19%),
    /// 13512 events/s, 12 s left`.
    static func text(done: Int, total: Int?, seconds: Double) -> String {
        let rate = Double(done) / max(seconds, 0.001)
        guard let total, total > 0 else { return "\(done) events, \(Int(rate)) events/s" }
        var text = "\(done)/\(total) events (\(min(100, done * 100 / total))%), \(Int(rate)) events/s"
        if rate > 0, done < total {
            let left = Int((Double(total - done) / rate).rounded(.up))
            text += left >= 120 ? ", \(left / 60) min left" : ", \(left) s left"
        }
        return text
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
