import ArgumentParser
import CustosLedger
import CustosSQLite
import CustosServer
import Foundation

/// `custos serve`: the HTTP API on the embedded store, with no demo data.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Custos server on the embedded SQLite store."
    )

    @Option(name: .long, help: "A JSON config file (docs/operations.md); options given here override it.")
    var config: String?

    @Option(name: .long, help: "The data directory (default ./custos-data).")
    var data: String?

    @Option(name: .long, help: "The address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "The port to listen on (default 8080; 0 picks a free port).")
    var port: Int?

    @Option(name: .long, help: "The checkpoint origin line (default custos.local/log).")
    var origin: String?

    @Option(name: .long, help: "The Sigma rule pack the console lists (default ./rules when it exists).")
    var rules: String?

    @Option(name: .customLong("tls-cert"), help: "Serve HTTPS with this PEM certificate chain (needs --tls-key).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
    var tlsKey: String?

    func validate() throws {
        if let port { try validatePort(port) }
    }

    func run() async throws {
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        var c = ServerConfiguration()
        if let config {
            do { c = try ServerConfiguration.load(path: config) } catch { throw ValidationError("\(error)") }
        }
        if let data { c.dataDirectory = data }
        if let host { c.host = host }
        if let port { c.port = port }
        if let origin { c.origin = origin }
        let store = try SQLiteStore(directory: c.dataDirectory)
        let dataDirectory = c.dataDirectory
        let key = try CustosServerRunner.signer(dataDirectory: c.dataDirectory, origin: c.origin)
        printFlushed(
            (key.created ? "Created the checkpoint signing key in \(dataDirectory)/keys. " : "")
                + "Verifier key: \(key.signer.verifier.verifierKey)"
        )
        do {
            let rulesDirectory = rules ?? (FileManager.default.fileExists(atPath: "rules") ? "rules" : nil)
            try await CustosServerRunner.run(
                c,
                store: store,
                signer: key.signer,
                rules: rulesDirectory.map { ($0, ConsoleRulePack.load(directory: $0)) },
                tls: tlsCert.map { ServerTLSFiles(certificatePath: $0, keyPath: tlsKey ?? "") }
            ) { url in
                printFlushed("Custos is listening on \(url) (data: \(dataDirectory))")
            }
        } catch let error as PolicyLoadError {
            for message in error.messages.prefix(50) { printError(message) }
            throw ExitCode(2)
        }
    }
}
