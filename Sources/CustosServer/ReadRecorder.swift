import CustosCore
import CustosStore
import Hummingbird

/// Records every read of audit data as a `custos.read` event in the ledger — durably, before the answer leaves —
/// so that the overseers are overseen.
public struct ReadRecorder: Sendable {
    let pipeline: IngestPipeline
    let clock: @Sendable () -> Timestamp

    /// Records that `key`'s owner asked `what` (method, path and query), touching `subjects`.
    func record(key: APIKeyRecord, what: String, resource: String, subjects: [String] = []) async throws {
        try await record(actor: key.owner, session: "key:" + key.id, what: what, resource: resource, subjects: subjects)
    }

    /// Records that `actor`, in `session` (an API key or a console session), asked `what`, touching `subjects`.
    func record(actor: String, session: String, what: String, resource: String, subjects: [String]) async throws {
        let event = AccessEvent(
            time: clock(),
            actor: Actor(id: actor, session: session),
            action: "custos.read",
            resource: Resource(type: "custos.api", id: String(resource.prefix(1024))),
            subjects: subjects,
            query: String(what.utf8.prefix(65_536)) ?? what,
            app: "custos"
        )
        // What a reader asked is recorded as given, so it is held to the same rules as every stored event.
        if case .invalid(let issues) = EventValidator(allowsReservedActions: true).validate(event.jsonValue) {
            let issue = issues.first.map { "\($0.path): \($0.reason)" } ?? "invalid"
            throw Problem(
                .badRequest,
                type: "invalid-parameter",
                title: "Invalid parameter",
                detail: "the request cannot be recorded as asked (\(issue)), so it is not answered"
            )
        }
        do {
            _ = try await pipeline.submit([event])
        } catch let e as StoreError where e.code == .overloaded {
            throw Problem.overloaded("the read could not be recorded: \(e.message)")
        }
    }
}
