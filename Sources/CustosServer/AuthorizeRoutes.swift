import CustosCore
import CustosPolicy
import CustosStore
import Foundation
import Hummingbird
import Logging

extension CustosAPI {
    /// The largest authorization request body, in bytes.
    static let maximumAuthorizeBodyBytes = 1 << 20

    /// The fields an authorization request may have.
    static let authorizeFields: Set<String> = ["principal", "action", "resource", "context", "app"]

    func addAuthorizeRoutes(to router: Router<CustosRequestContext>) {
        router.post("/v1/authorize") { request, context in
            _ = try await self.authenticator.authenticate(request, scope: .ingest)
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
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            guard contentType.hasPrefix("application/json") else {
                throw Problem(
                    .unsupportedMediaType,
                    type: "unsupported-media-type",
                    title: "Unsupported media type",
                    detail: "send the request as application/json"
                )
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Self.maximumAuthorizeBodyBytes)
            } catch {
                throw Problem(
                    .contentTooLarge,
                    type: "too-large",
                    title: "Request too large",
                    detail: "the body exceeds \(Self.maximumAuthorizeBodyBytes) bytes"
                )
            }
            let json: JSONValue
            do {
                json = try JSONParser(maximumDepth: 64).parse(Array(buffer: body))
            } catch let error as JSONParseError {
                throw Problem.badParameter(
                    "body",
                    "malformed JSON at line \(error.line), column \(error.column): \(error.reason)"
                )
            }
            guard case .object(let object) = json else {
                throw Problem.badParameter("body", "must be a JSON object, not \(json.typeName)")
            }
            for key in object.keys where !Self.authorizeFields.contains(key) {
                throw Problem.badParameter(key, "unknown field (expected principal, action, resource, context, app)")
            }
            for key in ["principal", "action", "resource", "app"] where object[key] == nil || object[key] == .null {
                throw Problem.badParameter(key, "is required")
            }
            guard case .string(let app) = object["app"] else {
                throw Problem.badParameter("app", "must be a string")
            }
            let requestContext = object["context"] ?? .object(JSONObject())
            if requestContext == .null {
                throw Problem.badParameter("context", "must be an object, not null")
            }
            let authorization: AuthorizationRequest
            do {
                authorization = try CedarJSON.request(json, schema: loaded.schema)
            } catch let error as DataFormatError {
                throw Problem.badParameter(error.path.isEmpty ? "body" : error.path, error.reason)
            }

            let response = Authorizer().isAuthorized(
                authorization,
                policies: loaded.policies,
                entities: loaded.entities
            )
            let reasons = response.reasons.sorted()
            let errors: [JSONValue] = response.errors.map { failure in
                .object(JSONObject([("policy", .string(failure.policyID)), ("message", .string("\(failure.error)"))]))
            }
            let decisionID = "dec-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let event = AccessEvent(
                time: self.clock(),
                actor: Actor(id: authorization.principal.id),
                action: "authorize",
                resource: Resource(type: authorization.resource.type, id: authorization.resource.id),
                outcome: response.decision == .allow ? .success : .denied,
                app: app,
                decision: decisionID,
                attributes: JSONObject([
                    ("cedar_action", .string(authorization.action.description)),
                    ("reasons", .array(reasons.map { .string($0) })),
                    ("errors", .array(errors)),
                    ("policy_set_sha256", .string(loaded.policySetSHA256)),
                    ("entities_sha256", .string(loaded.entitiesSHA256)),
                    ("context", requestContext),
                ])
            )
            // The decision is recorded as given, so it is held to the same rules as every stored event.
            if case .invalid(let issues) = EventValidator(allowsReservedActions: true).validate(event.jsonValue) {
                let issue = issues.first.map { "\($0.path): \($0.reason)" } ?? "invalid"
                let field = issues.first.map { Self.requestField(forEventPath: $0.path) } ?? "body"
                throw Problem.badParameter(
                    field,
                    "the decision cannot be recorded as asked (\(issue)), so it is not answered"
                )
            }
            do {
                let result = try await self.pipeline.submit([event])
                guard case .accepted = result else { throw StoreError(.unavailable, "the decision event conflicted") }
            } catch {
                context.logger.error("a decision could not be recorded", metadata: ["error": "\(error)"])
                throw Problem(
                    .serviceUnavailable,
                    type: "not-recorded",
                    title: "Decision not recorded",
                    detail: "the decision could not be recorded in the ledger, so the request is denied; retry later",
                    extensions: JSONObject([("decision", .string("deny"))]),
                    headers: [.retryAfter: "1"]
                )
            }
            return Response.json(
                .object(
                    JSONObject([
                        ("decision", .string(response.decision.rawValue)),
                        ("reasons", .array(reasons.map { .string($0) })),
                        ("errors", .array(errors)),
                        ("decision_id", .string(decisionID)),
                    ])
                )
            )
        }
    }

    /// The request field an event field was taken from.
    static func requestField(forEventPath path: String) -> String {
        if path.hasPrefix("actor") { return "principal" }
        if path.hasPrefix("resource") { return "resource" }
        if path.hasPrefix("attributes") { return "context" }
        if path.hasPrefix("app") { return "app" }
        return "body"
    }
}
