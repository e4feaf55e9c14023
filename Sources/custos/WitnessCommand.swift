import ArgumentParser
import CustosServer
import Foundation

/// `custos witness`: a C2SP tlog-witness that cosigns the checkpoints of the logs it is configured with.
struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Run a C2SP tlog-witness: cosign checkpoints of the configured logs, refusing forks and rollbacks.",
        discussion: """
            The config file (JSON) names the witness's signer key (from custos keygen), its state file and the \
            logs it witnesses (origin and the log's verifier key); see docs/ledger.md.
            """
    )

    @Option(name: .long, help: "The witness config file (JSON).")
    var config: String

    @Option(name: .long, help: "The address to listen on (overrides the config).")
    var host: String?

    @Option(name: .long, help: "The port to listen on; 0 picks a free port (overrides the config).")
    var port: Int?

    @Flag(name: .long, help: "Print the witness's cosignature verifier key and exit.")
    var printVerifierKey = false

    func run() async throws {
        var c: WitnessConfiguration
        let service: WitnessService
        do {
            c = try WitnessConfiguration.load(path: config)
            if let host { c.host = host }
            if let port { c.port = port }
            guard let data = FileManager.default.contents(atPath: c.keyPath) else {
                throw ValidationError("cannot read the witness key \(c.keyPath)")
            }
            let signerKey = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            service = try WitnessService(
                logs: c.logs,
                signerKey: signerKey,
                stateFile: WitnessStateFile(path: c.statePath)
            )
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(error)")
        }
        if printVerifierKey {
            printFlushed(service.verifierKey)
            return
        }
        printFlushed("Witness verifier key: \(service.verifierKey)")
        let logs = c.logs.count
        try await WitnessServerRunner.run(c, service: service) { url in
            printFlushed("Custos witness is listening on \(url) (\(logs) log\(logs == 1 ? "" : "s"))")
        }
    }
}
