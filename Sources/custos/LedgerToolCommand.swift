import ArgumentParser
import CustosCore
import CustosLedger
import Foundation

/// `custos ledger-tool` (hidden): the ledger's Merkle code over given leaves, one NDJSON request per input line, for
/// differential tests against other RFC 6962 / RFC 9162 implementations (Tests/e2e/test_ledger_differential.py).
///
/// Requests (hashes and leaf data in hex), each answered by one JSON line on standard output:
/// - `{"op":"tree","leaves":[data…]}`: replaces the tree; answers `leaf_hashes` and `root`;
/// - `{"op":"root","size":N}`: answers `root` of the first N leaves;
/// - `{"op":"inclusion","index":I,"size":N}` and `{"op":"consistency","from":M,"to":N}`: answer `hashes`;
/// - `{"op":"verify_inclusion","index":I,"size":N,"leaf_hash":H,"root":R,"hashes":[…]}` and
///   `{"op":"verify_consistency","from":M,"to":N,"old_root":R1,"new_root":R2,"hashes":[…]}`: answer `ok` and, if
///   not, `error`.
///
/// A malformed request is answered with `error` and the tool goes on with the next line.
struct LedgerToolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger-tool",
        abstract: "Compute and verify Merkle proofs over given leaves (NDJSON on standard input; for tests).",
        shouldDisplay: false
    )

    func run() throws {
        var session = LedgerToolSession()
        while let line = readLine(strippingNewline: true) {
            if line.allSatisfy(\.isWhitespace) { continue }
            let answer: JSONValue
            do {
                answer = .object(JSONObject(try session.answer(JSONParser().parse(line))))
            } catch {
                answer = .object(JSONObject([("error", .string("\(error)"))]))
            }
            printFlushed(CanonicalJSON.string(answer))
        }
    }
}
