public import CustosCore
import CustosPolicy
import CustosStore
import Foundation
import Hummingbird
public import Logging

extension CustosAPI {
    func addPolicyRoutes(to router: Router<CustosRequestContext>) {
        router.get("/v1/policies") { request, _ in
            _ = try await self.authenticator.authenticate(request, scope: .read)
            guard let inForce = self.policyRegistry.current else {
                throw Problem(
                    .notFound,
                    type: "no-policy",
                    title: "No policy loaded",
                    detail: "no policy set is in force: put policies.cedar in the data directory"
                )
            }
            return Response.json(Self.policySetJSON(inForce))
        }
        router.post("/v1/policies/reload") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .admin)
            let outcome: PolicyRegistry.ReloadOutcome
            do {
                outcome = try await self.reloadPolicies(
                    actor: Actor(id: key.owner, session: "key:" + key.id),
                    source: "POST /v1/policies/reload"
                )
            } catch let error as PolicyLoadError {
                let list: [JSONValue] = error.messages.prefix(100).map {
                    .object(JSONObject([("message", .string($0))]))
                }
                throw Problem(
                    .unprocessableContent,
                    type: "invalid-policies",
                    title: "Invalid policies",
                    detail: "the policy files were refused whole; the set in force is kept: "
                        + (error.messages.first ?? "invalid"),
                    extensions: JSONObject([("errors", .array(list))])
                )
            }
            switch outcome {
            case .unchanged(let inForce):
                var o = Self.policySummaryJSON(inForce)
                o["changed"] = .bool(false)
                return Response.json(.object(o))
            case .changed(let inForce, let previous):
                var o = Self.policySummaryJSON(inForce)
                o["changed"] = .bool(true)
                o["previous_sha256"] = previous.map { JSONValue.string($0.loaded.policySetSHA256) } ?? .null
                return Response.json(.object(o))
            }
        }
    }

    /// Reads the policy files again and, when they hold a new set (or schema), puts its schema in force for the
    /// entities (refusing the set with a ``PolicyLoadError`` when the entities in force do not conform to it) and
    /// records a `custos.policy` event (by `actor`, naming `source`) before the set takes effect.
    public func reloadPolicies(actor: Actor, source: String) async throws -> PolicyRegistry.ReloadOutcome {
        try await policyRegistry.reload(now: clock()) { previous, next in
            do {
                try await self.entities.adopt(schema: next.loaded.schema)
            } catch let error as EntityUpdateError {
                let file = LoadedPolicies.entitiesFile
                throw PolicyLoadError(
                    error.issues.map { "\(file): entities\($0.path): \($0.reason) (under the new schema)" }
                )
            }
            do {
                try await self.recordPolicyChange(previous: previous, next: next, actor: actor, source: source)
            } catch {
                try? await self.entities.adopt(schema: previous?.loaded.schema)
                throw error
            }
        }
    }

    /// Records a `custos.policy` event for the change from `previous` to `next`.
    private func recordPolicyChange(
        previous: PolicyRegistry.InForce?,
        next: PolicyRegistry.InForce,
        actor: Actor,
        source: String
    ) async throws {
        let event = AccessEvent(
            time: self.clock(),
            actor: actor,
            action: "custos.policy",
            resource: Resource(type: "custos.policy", id: next.loaded.policySetSHA256),
            app: "custos",
            attributes: JSONObject([
                ("sha256", .string(next.loaded.policySetSHA256)),
                ("previous_sha256", previous.map { JSONValue.string($0.loaded.policySetSHA256) } ?? .null),
                ("policies", .integer(Int64(next.loaded.policies.policies.count))),
                ("shadow_policies", .integer(Int64(Self.shadowCount(next.loaded)))),
                ("templates", .integer(Int64(next.loaded.policies.templates.count))),
                ("schema_sha256", next.loaded.schemaSHA256.map { JSONValue.string($0) } ?? .null),
                ("source", .string(source)),
            ])
        )
        let result = try await self.pipeline.submit([event])
        guard case .accepted = result else { throw StoreError(.unavailable, "the policy event conflicted") }
    }

    /// Checks the policy files every `seconds` and reloads them when their modification time or size changed;
    /// a refused set is logged with each problem (and tried again only after the next change). Returns when
    /// cancelled; `seconds` 0 never checks.
    public func pollPolicies(everySeconds seconds: Int, logger: Logger) async {
        guard seconds > 0 else { return }
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(seconds)) } catch { return }
            if entities.fileChanged() {
                do { try await Task.sleep(for: .milliseconds(300)) } catch { return }
                await reloadEntitiesFile(logger: logger)
            }
            guard policyRegistry.filesChanged() else { continue }
            // Let a writer finish: a file read half-written would be refused, or worse, be a smaller valid set.
            do { try await Task.sleep(for: .milliseconds(300)) } catch { return }
            let path = policyRegistry.policyPath ?? LoadedPolicies.policyFile
            do {
                let outcome = try await reloadPolicies(actor: Actor(id: "custos"), source: path)
                if case .changed(let inForce, _) = outcome {
                    logger.notice(
                        "policies reloaded",
                        metadata: ["sha256": "\(inForce.loaded.policySetSHA256)", "file": "\(path)"]
                    )
                }
            } catch let error as PolicyLoadError {
                for message in error.messages.prefix(50) {
                    logger.error("policies refused; the set in force is kept", metadata: ["problem": "\(message)"])
                }
            } catch {
                logger.error("policies could not be reloaded", metadata: ["error": "\(error)"])
            }
        }
    }

    /// How many `@shadow` policies the set has.
    static func shadowCount(_ loaded: LoadedPolicies) -> Int {
        (loaded.shadowPolicies?.policies.count ?? loaded.policies.policies.count) - loaded.policies.policies.count
    }

    /// `sha256`, `loaded_at` and counts of the set in force.
    static func policySummaryJSON(_ inForce: PolicyRegistry.InForce) -> JSONObject {
        JSONObject([
            ("sha256", .string(inForce.loaded.policySetSHA256)),
            ("loaded_at", .string(inForce.loadedAt.description)),
            ("policies", .integer(Int64(inForce.loaded.policies.policies.count))),
            ("shadow_policies", .integer(Int64(shadowCount(inForce.loaded)))),
            ("templates", .integer(Int64(inForce.loaded.policies.templates.count))),
        ])
    }

    /// The set in force with each policy's id, effect and annotations, in file order.
    static func policySetJSON(_ inForce: PolicyRegistry.InForce) -> JSONValue {
        var o = policySummaryJSON(inForce)
        o["list"] = .array(
            (inForce.loaded.shadowPolicies ?? inForce.loaded.policies).policies.map { policy in
                .object(
                    JSONObject([
                        ("id", .string(policy.id)),
                        ("effect", .string(policy.effect.rawValue)),
                        (
                            "annotations",
                            .object(JSONObject(policy.annotations.map { ($0.key, JSONValue.string($0.value)) }))
                        ),
                        ("line", .integer(Int64(policy.location.line))),
                        ("shadow", .bool(policy.annotation(LoadedPolicies.shadowAnnotation) != nil)),
                        ("break_glass", .bool(policy.annotation(LoadedPolicies.breakGlassAnnotation) != nil)),
                    ])
                )
            }
        )
        return .object(o)
    }
}
