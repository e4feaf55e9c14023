import ArgumentParser
import CustosCore
import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

/// Events with proofs from a data directory: signed with the directory's own checkpoint key (`DATA/keys`), after
/// a fresh checkpoint if the tree grew, so every exported event is covered.
enum LocalProofs {
    static func eventsWithProofs(
        _ query: EventQuery,
        store: any EventStore,
        dataDirectory: String
    ) async throws -> JSONValue {
        guard let sqlite = store as? SQLiteStore else { throw ValidationError("--proofs needs the SQLite store") }
        let keys = (dataDirectory as NSString).appendingPathComponent("keys")
        guard let signer = try LedgerKeyFiles.load(directory: keys) else {
            throw ValidationError("--proofs needs the checkpoint signing key in \(keys) (custos keygen or serve)")
        }
        let publisher = CheckpointPublisher(store: sqlite, signer: signer, origin: signer.keyName)
        let api = CustosAPI(store: sqlite, ledger: publisher)
        return try await api.eventsWithProofs(query)
    }
}
