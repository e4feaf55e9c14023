import CustosCore
import CustosPolicy
import CustosStore
import Foundation
import Hummingbird
import Logging
import Prometheus

extension CustosAPI {
    /// The largest authorization request body, in bytes.
    static let maximumAuthorizeBodyBytes = 1 << 20

    /// The most requests one `POST /v1/authorize/batch` may carry.
    public static let maximumAuthorizeBatch = 1000

    /// The fields an authorization request may have.
    static let authorizeFields: Set<String> = ["principal", "action", "resource", "context", "app"]

    func addAuthorizeRoutes(to router: Router<CustosRequestContext>) {
        router.post("/v1/authorize") { request, context in
            _ = try await self.authenticator.authenticate(request, scope: .ingest)
            let loaded = try self.policiesInForce()
            let json = try await Self.jsonBody(request, limit: Self.maximumAuthorizeBodyBytes)
            let decision = try self.decide(json, loaded: loaded, entities: self.entities.current, path: "")
            try await self.recordDecisions([decision], logger: context.logger)
            return Response.json(decision.answer)
        }
        router.post("/v1/authorize/batch") { request, context in
            _ = try await self.authenticator.authenticate(request, scope: .ingest)
            let loaded = try self.policiesInForce()
            let json = try await Self.jsonBody(request, limit: self.maximumBodyBytes)
            guard case .object(let object) = json else {
                throw Problem.badParameter("body", "must be a JSON object {\"requests\": [...]}, not \(json.typeName)")
            }
            for key in object.keys where key != "requests" {
                throw Problem.badParameter(key, "unknown field (expected requests)")
            }
            guard case .array(let requests)? = object["requests"] else {
                throw Problem.badParameter("requests", "is required: an array of authorization requests")
            }
            guard !requests.isEmpty, requests.count <= Self.maximumAuthorizeBatch else {
                throw Problem.badParameter("requests", "must hold 1 to \(Self.maximumAuthorizeBatch) requests")
            }
            let entities = self.entities.current
            var decisions: [PreparedDecision] = []
            decisions.reserveCapacity(requests.count)
            for (index, item) in requests.enumerated() {
                decisions.append(try self.decide(item, loaded: loaded, entities: entities, path: "requests[\(index)]"))
            }
            try await self.recordDecisions(decisions, logger: context.logger)
            return Response.json(.object(JSONObject([("decisions", .array(decisions.map(\.answer)))])))
        }
    }

    /// One decided request: the event recording it and the answer to give once it is recorded.
    struct PreparedDecision: Sendable {
        let event: AccessEvent
        let answer: JSONValue
        let allowed: Bool
        /// The review a break-glass decision opens.
        let review: ReviewItem?
        /// Whether the shadow policies would have decided otherwise.
        let shadowDisagrees: Bool
    }

    /// The policies in force, or 503 `no-policy` (fail closed).
    func policiesInForce() throws -> LoadedPolicies {
        guard let loaded = self.policies else {
            throw Problem(
                .serviceUnavailable,
                type: "no-policy",
                title: "No policy loaded",
                detail:
                    "no policy loaded: put policies.cedar in the data directory and restart; every request is denied",
                extensions: JSONObject([("decision", .string("deny"))]),
                headers: [.retryAfter: "60"]
            )
        }
        return loaded
    }

    /// Checks one authorization request (`json`, found at `path` in the body) and decides it; 400 naming the field
    /// for a request that is malformed or could not be recorded as given.
    func decide(
        _ json: JSONValue,
        loaded: LoadedPolicies,
        entities: EntitySnapshot,
        path: String
    ) throws(Problem) -> PreparedDecision {
        func field(_ name: String) -> String { path.isEmpty ? name : name == "body" ? path : "\(path).\(name)" }
        guard case .object(let object) = json else {
            throw Problem.badParameter(field("body"), "must be a JSON object, not \(json.typeName)")
        }
        for key in object.keys where !Self.authorizeFields.contains(key) {
            throw Problem.badParameter(field(key), "unknown field (expected principal, action, resource, context, app)")
        }
        for key in ["principal", "action", "resource", "app"] where object[key] == nil || object[key] == .null {
            throw Problem.badParameter(field(key), "is required")
        }
        guard case .string(let app) = object["app"] else {
            throw Problem.badParameter(field("app"), "must be a string")
        }
        let requestContext = object["context"] ?? .object(JSONObject())
        if requestContext == .null {
            throw Problem.badParameter(field("context"), "must be an object, not null")
        }
        var requestOnly = object
        requestOnly["app"] = nil
        let authorization: AuthorizationRequest
        do {
            authorization = try CedarJSON.request(.object(requestOnly), schema: loaded.schema)
        } catch {
            throw Problem.badParameter(field(error.path.isEmpty ? "body" : error.path), error.reason)
        }

        let started = ContinuousClock.now
        let response = Authorizer().isAuthorized(authorization, index: loaded.index, entities: entities.entities)
        let elapsed = (ContinuousClock.now - started).components
        metrics.decisionSeconds.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        let reasons = response.reasons.sorted()
        let errors: [JSONValue] = Self.errorsJSON(response.errors)
        let decisionID = "dec-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let decidedAt = clock()
        var attributes = JSONObject([
            ("cedar_action", .string(authorization.action.description)),
            ("reasons", .array(reasons.map { .string($0) })),
            ("errors", .array(errors)),
            ("policy_set_sha256", .string(loaded.policySetSHA256)),
            ("entities_sha256", .string(entities.sha256)),
            ("entities_version", .integer(Int64(entities.version))),
            ("context", requestContext),
        ])
        // Shadow policies: what the set would decide with them enforced, recorded where it differs.
        var shadowDisagrees = false
        if let withShadows = loaded.shadowIndex {
            let shadow = Authorizer().isAuthorized(authorization, index: withShadows, entities: entities.entities)
            if shadow.decision != response.decision {
                shadowDisagrees = true
                attributes["shadow_decision"] = .string(shadow.decision.rawValue)
                attributes["shadow_reasons"] = .array(shadow.reasons.sorted().map { .string($0) })
            }
        }
        let purpose = DecisionPurpose.purpose(from: requestContext)
        // Break-glass: an emergency permit that alone allowed the request opens a review.
        var review: ReviewItem?
        if response.decision == .allow, response.reasons.count == 1, let policy = response.reasons.first,
            loaded.breakGlassPolicyIDs.contains(policy)
        {
            let id = "rev-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            review = ReviewItem(
                id: id,
                decisionID: decisionID,
                openedAt: decidedAt,
                principal: authorization.principal.description,
                action: authorization.action.description,
                resource: authorization.resource.description,
                policy: policy,
                app: app,
                purpose: purpose
            )
            attributes["break_glass"] = .bool(true)
            attributes["review"] = .string(id)
            attributes["cedar_principal"] = .string(authorization.principal.description)
        }
        let event = AccessEvent(
            time: decidedAt,
            actor: Actor(id: authorization.principal.id),
            action: "authorize",
            resource: Resource(type: authorization.resource.type, id: authorization.resource.id),
            purpose: purpose,
            outcome: response.decision == .allow ? .success : .denied,
            app: app,
            decision: decisionID,
            attributes: attributes
        )
        // The decision is recorded as given, so it is held to the same rules as every stored event.
        if case .invalid(let issues) = EventValidator(allowsReservedActions: true).validate(event.jsonValue) {
            let issue = issues.first.map { "\($0.path): \($0.reason)" } ?? "invalid"
            let name = issues.first.map { Self.requestField(forEventPath: $0.path) } ?? "body"
            throw Problem.badParameter(
                field(name),
                "the decision cannot be recorded as asked (\(issue)), so it is not answered"
            )
        }
        var answer = JSONObject([
            ("decision", .string(response.decision.rawValue)),
            ("reasons", .array(reasons.map { .string($0) })),
            ("errors", .array(errors)),
            ("decision_id", .string(decisionID)),
        ])
        if let review { answer["review_id"] = .string(review.id) }
        return PreparedDecision(
            event: event,
            answer: .object(answer),
            allowed: response.decision == .allow,
            review: review,
            shadowDisagrees: shadowDisagrees
        )
    }

    /// Records `decisions` durably in one group commit; 503 `not-recorded` (deny) when they cannot be.
    func recordDecisions(_ decisions: [PreparedDecision], logger: Logger) async throws {
        do {
            let result = try await self.pipeline.submit(decisions.map(\.event))
            guard case .accepted = result else { throw StoreError(.unavailable, "the decision event conflicted") }
        } catch {
            logger.error("decisions could not be recorded", metadata: ["error": "\(error)"])
            metrics.decisionsNotRecorded.increment(by: Int64(decisions.count))
            throw Problem(
                .serviceUnavailable,
                type: "not-recorded",
                title: "Decision not recorded",
                detail: "the decision could not be recorded in the ledger, so the request is denied; retry later",
                extensions: JSONObject([("decision", .string("deny"))]),
                headers: [.retryAfter: "1"]
            )
        }
        let reviews = decisions.compactMap(\.review)
        do {
            try self.reviews.open(reviews)
        } catch {
            logger.error("break-glass reviews could not be opened", metadata: ["error": "\(error)"])
            throw Problem(
                .serviceUnavailable,
                type: "review-not-opened",
                title: "Review not opened",
                detail: "the emergency access could not be put up for review, so it is denied; retry later",
                extensions: JSONObject([("decision", .string("deny"))]),
                headers: [.retryAfter: "1"]
            )
        }
        if !reviews.isEmpty { metrics.breakGlass.increment(by: Int64(reviews.count)) }
        let disagreements = decisions.count { $0.shadowDisagrees }
        if disagreements > 0 { metrics.shadowDisagreements.increment(by: Int64(disagreements)) }
        let allowed = decisions.count { $0.allowed }
        if allowed > 0 { metrics.decisionsAllowed.increment(by: Int64(allowed)) }
        if allowed < decisions.count { metrics.decisionsDenied.increment(by: Int64(decisions.count - allowed)) }
    }

    /// Each failing policy as `{"policy", "message"}`.
    static func errorsJSON(_ failures: [PolicyEvaluationFailure]) -> [JSONValue] {
        failures.map { failure in
            .object(JSONObject([("policy", .string(failure.policyID)), ("message", .string("\(failure.error)"))]))
        }
    }

    /// The request field an event field was taken from.
    static func requestField(forEventPath path: String) -> String {
        if path.hasPrefix("actor") { return "principal" }
        if path.hasPrefix("resource") { return "resource" }
        if path.hasPrefix("attributes") { return "context" }
        if path.hasPrefix("app") { return "app" }
        if path.hasPrefix("purpose") { return "context" }
        return "body"
    }
}
