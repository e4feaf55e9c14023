import ArgumentParser
import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

/// `custos verify`: recomputes the ledger from a data directory and checks it against its tiles and every signed
/// checkpoint, naming the first entry that was altered, removed or reordered.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a data directory's events against its Merkle tree, tiles and signed checkpoints.",
        discussion: """
            With --data: recompute the ledger from the directory. With --event FILE: check each exported event \
            (NDJSON from custos query events --proofs) on its own. With --server URL: check a running log as an \
            outside monitor. Exit codes: 0 verified; 1 tampered, forked or rolled back; 2 the server could not be \
            read.
            """
    )

    @Option(name: .long, help: "The data directory.")
    var data: String?

    @Option(name: .long, help: "An NDJSON file of exported events with proofs to check one by one.")
    var event: String?

    @Option(name: .long, help: "A running log's URL: check its checkpoint (and --state consistency) from outside.")
    var server: String?

    @Flag(name: .long, help: "With --server: re-derive the tree from every served entry bundle and tile.")
    var tiles = false

    @Option(
        name: .long,
        help: "The pinned verifier key file (verifier.vkey). Without it the directory's own key is trusted."
    )
    var key: String?

    @Option(name: .long, help: "A state file: the last checkpoint verified; checked for consistency, then updated.")
    var state: String?

    func run() async throws {
        guard [data, event, server].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --data, --event and --server")
        }
        if event != nil || server != nil {
            guard let key else { throw ValidationError("--event and --server need the pinned --key") }
            let verifier: any NoteVerifier
            do {
                verifier = try LedgerKeyFiles.loadVerifierKey(path: key).makeVerifier()
            } catch {
                throw ValidationError("\(error)")
            }
            if let event { try verifyExport(path: event, verifier: verifier) }
            if let server { try await verifyServer(url: server, verifier: verifier) }
            return
        }
        let data = data!
        try LocalStore.requireStore(in: data)
        let keyPath: String
        if let key {
            keyPath = key
        } else {
            keyPath = (data as NSString).appendingPathComponent("keys/\(LedgerKeyFiles.verifierFile)")
            printFlushed(
                "WARNING: no --key given, so this trusts the data directory's own key (\(keyPath)). Whoever can alter "
                    + "the directory can replace that key and re-sign; pin the published key with --key."
            )
        }
        let verifier: any NoteVerifier
        do {
            verifier = try LedgerKeyFiles.loadVerifierKey(path: keyPath).makeVerifier()
        } catch {
            throw ValidationError("\(error)")
        }
        if let key { printFlushed("Trusting the pinned key in \(key).") }
        var previous: Checkpoint?
        if let state, let text = FileManager.default.contents(atPath: state) {
            do {
                let note = String(decoding: text, as: UTF8.self)
                let origin = String(note.prefix { $0 != "\n" })
                previous = try Checkpoint.open(text, origin: origin, verifiers: [verifier]).checkpoint
                printFlushed("State: checkpoint of size \(previous!.size) verified earlier.")
            } catch {
                throw ValidationError(
                    "the state file \(state) does not hold a checkpoint signed by the trusted key: \(error)"
                )
            }
        }
        let store = try SQLiteStore(directory: data)
        let result = try await store.verifyLedger(verifiers: [verifier], previous: previous)
        if result.isValid {
            printFlushed(
                "OK: \(result.treeSize) entries recomputed from the events"
                    + (result.redactedEntries > 0 ? " (\(result.redactedEntries) redacted by erasure)" : "")
                    + "; root \(result.rootHash.base64String); "
                    + "\(result.checkpointsVerified) signed checkpoints match."
            )
            if let state, let latest = result.latestCheckpoint {
                guard FileManager.default.createFile(atPath: state, contents: Data(latest.note.utf8)) else {
                    throw ValidationError("cannot write \(state)")
                }
                printFlushed("State updated: checkpoint of size \(latest.size).")
            }
            return
        }
        if let first = result.firstBadEntry {
            printFlushed("FAILED: the first entry altered, removed or reordered is entry \(first) (seq \(first)).")
        } else {
            printFlushed("FAILED:")
        }
        for problem in result.problems { printFlushed("  - " + problem) }
        throw ExitCode(1)
    }
}
