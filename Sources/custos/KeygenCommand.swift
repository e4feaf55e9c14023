import ArgumentParser
import CustosLedger
import CustosServer
import Foundation

/// `custos keygen`: a new Ed25519 checkpoint signing key in C2SP signed-note form.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create the log's checkpoint signing key (signer.key, mode 0600) and verifier key (verifier.vkey)."
    )

    @Option(name: .long, help: "The log's origin line, used as the key name.")
    var origin: String = "custos.local/log"

    @Option(name: .long, help: "The directory to write signer.key and verifier.vkey into (DATA/keys for a server).")
    var out: String

    func run() throws {
        do {
            let signer = try LedgerKeyFiles.generate(origin: origin, directory: out)
            let signerPath = "\(out)/\(LedgerKeyFiles.signerFile)"
            printFlushed("Wrote \(signerPath) (secret, mode 0600) and \(out)/\(LedgerKeyFiles.verifierFile).")
            printFlushed("Verifier key: \(signer.verifier.verifierKey)")
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
