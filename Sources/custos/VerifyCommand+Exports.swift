import ArgumentParser
import CustosCore
import CustosLedger
import CustosStore
import Foundation

extension VerifyCommand {
    /// Checks every line of an NDJSON export on its own; exits 1 naming each event and field that fails.
    func verifyExport(path: String, verifier: any NoteVerifier) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        var checked = 0
        var failed = 0
        for (number, line) in data.split(separator: 0x0A).enumerated() where !line.allSatisfy({ $0 == 0x20 }) {
            checked += 1
            guard case .object(let object)? = try? JSONParser().parse(Array(line)) else {
                printFlushed("line \(number + 1): not a JSON object")
                failed += 1
                continue
            }
            let outcome = ExportedEventCheck.check(object, verifiers: [verifier])
            if !outcome.isValid {
                failed += 1
                let seq = outcome.seq.map { "seq \($0)" } ?? "?"
                let fields =
                    outcome.alteredFields.isEmpty ? "" : " altered: \(outcome.alteredFields.joined(separator: ", "))"
                printFlushed("FAILED line \(number + 1) (\(seq)):\(fields)")
                for problem in outcome.problems { printFlushed("  - " + problem) }
            }
        }
        guard failed == 0 else {
            printFlushed("FAILED: \(failed) of \(checked) exported events do not verify.")
            throw ExitCode(1)
        }
        guard checked > 0 else { throw ValidationError("\(path) holds no events") }
        printFlushed("OK: \(checked) exported events verify against the signed checkpoint.")
    }

    /// Checks a running log from outside; exits 1 when it is not consistent or does not verify, 2 when it cannot
    /// be read.
    func verifyServer(url: String, verifier: any NoteVerifier) async throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let check = VerifyServer(log: RemoteLog(base: base), verifier: verifier, statePath: state, tiles: tiles)
        let problems: [String]
        do {
            problems = try await check.run()
        } catch let error as RemoteLogError {
            printFlushed("ERROR: \(error.description)")
            throw ExitCode(2)
        }
        guard problems.isEmpty else {
            printFlushed("FAILED:")
            for problem in problems { printFlushed("  - " + problem) }
            throw ExitCode(1)
        }
        printFlushed("OK: the log's checkpoint verifies\(state == nil ? "" : " and extends the one seen before").")
    }
}
