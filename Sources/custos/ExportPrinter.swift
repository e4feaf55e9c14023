import CustosCore
import Foundation

/// Prints an events page as NDJSON, one event a line; with proofs each line carries its own ledger proof and
/// checkpoint, so it can be handed on and checked alone (`custos verify --event`).
enum ExportPrinter {
    static func printLines(_ doc: JSONValue) {
        guard case .object(let o) = doc, case .array(let events)? = o["events"] else {
            print(CanonicalJSON.string(doc))
            return
        }
        for event in events { print(CanonicalJSON.string(event)) }
        if case .string(let next)? = o["next_cursor"] {
            FileHandle.standardError.write(Data("next page: --cursor \(next)\n".utf8))
        }
    }
}
