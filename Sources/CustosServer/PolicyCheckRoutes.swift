import CustosCore
import CustosPolicy
import CustosStore
import Hummingbird
import Prometheus

extension CustosAPI {
    /// The most requests one what-if check may carry.
    static let maximumCheckRequests = 1000

    func addPolicyCheckRoutes(to router: Router<CustosRequestContext>) {
        router.post("/v1/policy/check") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            let json = try await Self.jsonBody(request, limit: self.maximumBodyBytes)
            guard case .object(let body) = json else {
                throw Problem.badParameter("body", "must be a JSON object, not \(json.typeName)")
            }
            let known: Set<String> = ["policies", "candidates", "entities", "requests", "explain"]
            for field in body.keys where !known.contains(field) {
                throw Problem.badParameter(
                    field,
                    "unknown field (expected policies, candidates, entities, requests, explain)"
                )
            }
            let (policySet, schema) = try self.whatIfPolicies(body)
            var entities = self.entities.current.entities
            if let list = body["entities"] {
                do {
                    entities = try CedarJSON.entities(list, schema: schema)
                } catch let error as DataFormatError {
                    throw Problem.badParameter("entities" + error.path, error.reason)
                }
            }
            guard case .array(let requests)? = body["requests"], !requests.isEmpty,
                requests.count <= Self.maximumCheckRequests
            else {
                throw Problem.badParameter("requests", "must be an array of 1 to \(Self.maximumCheckRequests) requests")
            }
            var explain = false
            switch body["explain"] {
            case nil: break
            case .bool(let b)?: explain = b
            default: throw Problem.badParameter("explain", "must be true or false")
            }
            var results: [JSONValue] = []
            let authorizer = Authorizer()
            let policyIndex = PolicyIndex(policySet)
            for (index, item) in requests.enumerated() {
                let parsed: AuthorizationRequest
                do {
                    parsed = try CedarJSON.request(item, schema: schema)
                } catch let error as DataFormatError {
                    let at = error.path.isEmpty ? "" : "." + error.path
                    throw Problem.badParameter("requests[\(index)]" + at, error.reason)
                }
                let response = authorizer.isAuthorized(parsed, index: policyIndex, entities: entities)
                var o = JSONObject([
                    ("decision", .string(response.decision.rawValue)),
                    ("reasons", .array(response.reasons.sorted().map { .string($0) })),
                    ("errors", .array(Self.errorsJSON(response.errors))),
                ])
                if explain { o["explanation"] = .string(DecisionExplanation.explain(response, policies: policySet)) }
                results.append(.object(o))
            }
            try await self.recorder.record(key: key, what: "POST /v1/policy/check", resource: "policy/check")
            self.metrics.reads.increment()
            return Response.json(.object(JSONObject([("results", .array(results))])))
        }
    }

    /// The policies a what-if check runs: the `policies` text alone, or the set in force with the `candidates`
    /// text added (the schema in force then types requests and entities).
    private func whatIfPolicies(_ body: JSONObject) throws -> (PolicySet, Schema?) {
        func parse(_ field: String, idPrefix: String) throws(Problem) -> PolicySet? {
            guard let value = body[field] else { return nil }
            guard case .string(let text) = value else { throw Problem.badParameter(field, "must be Cedar policy text") }
            do {
                return try PolicySet(parsing: text, idPrefix: idPrefix, idsFromAnnotation: true)
            } catch {
                let policy = error.policyID.map { "policy \($0): " } ?? ""
                throw Problem.badParameter(field, "\(error.location): \(policy)\(error.reason)")
            }
        }
        if let own = try parse("policies", idPrefix: "policy") {
            if body["candidates"] != nil {
                throw Problem.badParameter("candidates", "only with the set in force (leave out policies)")
            }
            return (own, nil)
        }
        let loaded = try policiesInForce()
        var set = loaded.policies
        if let candidates = try parse("candidates", idPrefix: "candidate") {
            for policy in candidates.policies {
                do {
                    try set.add(policy)
                } catch {
                    throw Problem.badParameter("candidates", "\(error.location): \(error.reason)")
                }
            }
        }
        return (set, loaded.schema)
    }
}
