import CustosCore
import CustosPolicy
import CustosStore
import Hummingbird
public import Logging

extension CustosAPI {
    /// The largest entities document accepted by `PUT /v1/entities` and the upsert, in bytes.
    static let maximumEntitiesBodyBytes = 64 << 20

    func addEntityRoutes(to router: Router<CustosRequestContext>) {
        router.get("/v1/entities") { request, _ in
            _ = try await self.authenticator.authenticate(request, scope: .read)
            return Response.json(self.entities.current.summaryJSON)
        }
        router.put("/v1/entities") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .admin)
            let list = try await Self.entityList(request, allowsSingle: false)
            let snapshot = try await self.changeEntities(key, change: "replace", count: list.count) { record in
                try await self.entities.replaceAll(list, record: record)
            }
            return Response.json(snapshot.summaryJSON)
        }
        router.post("/v1/entities/upsert") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .admin)
            let list = try await Self.entityList(request, allowsSingle: true)
            let snapshot = try await self.changeEntities(key, change: "upsert", count: list.count) { record in
                try await self.entities.upsert(list, record: record)
            }
            return Response.json(snapshot.summaryJSON)
        }
        router.delete("/v1/entities/:type/:id") { request, context in
            let key = try await self.authenticator.authenticate(request, scope: .admin)
            let uid = EntityUID(
                type: try Self.pathParameter(context, "type"),
                id: try Self.pathParameter(context, "id")
            )
            let snapshot = try await self.changeEntities(key, change: "delete", count: 1) { record in
                try await self.entities.delete(uid, record: record)
            }
            return Response.json(snapshot.summaryJSON)
        }
    }

    /// The body as a list of entity documents: a JSON array, or (when `allowsSingle`) one entity object.
    private static func entityList(_ request: Request, allowsSingle: Bool) async throws -> [JSONValue] {
        let json = try await jsonBody(request, limit: maximumEntitiesBodyBytes)
        switch json {
        case .array(let list): return list
        case .object where allowsSingle: return [json]
        default:
            throw Problem.badParameter(
                "body",
                allowsSingle
                    ? "must be an entity object or an array of them, not \(json.typeName)"
                    : "must be an array of entities (Cedar entities JSON), not \(json.typeName)"
            )
        }
    }

    /// Runs one entity change, recording it as a `custos.entities` event before it takes effect; a refused change
    /// is answered 400 (404 for a delete of an unknown entity) listing each problem.
    private func changeEntities(
        _ key: APIKeyRecord,
        change: String,
        count: Int,
        _ apply: (@escaping @Sendable (EntitySnapshot, EntitySnapshot) async throws -> Void) async throws ->
            EntitySnapshot
    ) async throws -> EntitySnapshot {
        let record = entityChangeRecorder(
            actor: Actor(id: key.owner, session: "key:" + key.id),
            change: change,
            count: count
        )
        do {
            return try await apply(record)
        } catch let error as EntityUpdateError {
            let list: [JSONValue] = error.issues.map { issue in
                .object(JSONObject([("path", .string(issue.path)), ("reason", .string(issue.reason))]))
            }
            if error.notFound { throw Problem.notFound(error.description) }
            throw Problem(
                .badRequest,
                type: "invalid-entities",
                title: "Invalid entities",
                detail: "the change was refused whole: " + (error.issues.first?.description ?? "invalid"),
                extensions: JSONObject([("errors", .array(list))])
            )
        }
    }

    /// What records an entity change as a `custos.entities` event (by `actor`; `change` and the number of entities
    /// it `count`s, nil for every entity of the new snapshot) before it takes effect: 503 `not-recorded` when the
    /// event cannot be stored.
    func entityChangeRecorder(
        actor: Actor,
        change: String,
        count: Int?
    ) -> @Sendable (EntitySnapshot, EntitySnapshot) async throws -> Void {
        { previous, next in
            let event = AccessEvent(
                time: self.clock(),
                actor: actor,
                action: "custos.entities",
                resource: Resource(type: "custos.entities", id: "v\(next.version)"),
                app: "custos",
                attributes: JSONObject([
                    ("change", .string(change)),
                    ("changed", .integer(Int64(count ?? next.documents.count))),
                    ("version", .integer(Int64(next.version))),
                    ("sha256", .string(next.sha256)),
                    ("previous_version", .integer(Int64(previous.version))),
                    ("previous_sha256", .string(previous.sha256)),
                    ("entities", .integer(Int64(next.documents.count))),
                    ("types", next.summaryJSON.objectValue?["types"] ?? .object(JSONObject())),
                ])
            )
            do {
                let result = try await self.pipeline.submit([event])
                guard case .accepted = result else { throw StoreError(.unavailable, "the change event conflicted") }
            } catch {
                throw Problem(
                    .serviceUnavailable,
                    type: "not-recorded",
                    title: "Change not recorded",
                    detail: "the entity change could not be recorded in the ledger, so it was not made; retry later",
                    headers: [.retryAfter: "1"]
                )
            }
        }
    }

    /// Reads `entities.json` again when it was changed by hand (the policy poll asks), recording the new version as
    /// a `custos.entities` event with `change: file` and actor `custos`; a file that cannot be used is logged with
    /// each problem and the entities in force are kept.
    public func reloadEntitiesFile(logger: Logger) async {
        do {
            let record = entityChangeRecorder(actor: Actor(id: "custos"), change: "file", count: nil)
            if let snapshot = try await entities.reloadFile(record: record) {
                logger.notice(
                    "entities reloaded",
                    metadata: ["version": "\(snapshot.version)", "sha256": "\(snapshot.sha256)"]
                )
            }
        } catch let error as PolicyLoadError {
            for message in error.messages.prefix(50) {
                logger.error("entities refused; the entities in force are kept", metadata: ["problem": "\(message)"])
            }
        } catch {
            logger.error("entities could not be reloaded", metadata: ["error": "\(error)"])
        }
    }
}
