import CustosCore
import CustosSQLite
import CustosServer
import CustosStore

/// A data directory opened by a command (not through a server): the store and a sequencer in front of it.
struct LocalStore {
    let store: SQLiteStore
    let pipeline: IngestPipeline

    init(directory: String) throws {
        store = try SQLiteStore(directory: directory)
        pipeline = IngestPipeline(store: store, clock: CustosAPI.systemClock)
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
