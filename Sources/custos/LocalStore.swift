import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

/// A data directory opened by a command (not through a server): the store and a sequencer in front of it.
struct LocalStore {
    let store: SQLiteStore
    let pipeline: IngestPipeline

    /// Opens the store in `directory`. Only commands that add to a store (`creating`) may start a new one: a read of a
    /// mistyped path must fail, not answer from an empty store it has just made.
    init(directory: String, creating: Bool = false) throws {
        if !creating { try Self.requireStore(in: directory) }
        store = try SQLiteStore(directory: directory)
        pipeline = IngestPipeline(store: store, clock: CustosAPI.systemClock)
    }

    /// Throws unless `directory` holds a store.
    static func requireStore(in directory: String) throws {
        let file = (directory as NSString).appendingPathComponent("custos.sqlite")
        guard FileManager.default.fileExists(atPath: file) else {
            throw ValidationErrorText("\(directory) holds no custos.sqlite (give --data the directory of a store)")
        }
    }

    /// Records an overseer's or operator's action on this data directory as a `custos.*` event.
    func record(
        action: String,
        resourceType: String,
        resourceID: String,
        query: String?,
        subjects: [String] = []
    )
        async throws
    {
        let event = AccessEvent(
            time: CustosAPI.systemClock(),
            actor: Actor(id: localActor),
            action: action,
            resource: Resource(type: resourceType, id: resourceID),
            subjects: subjects,
            query: query,
            app: "custos-cli"
        )
        _ = try await pipeline.submit([event])
    }
}
