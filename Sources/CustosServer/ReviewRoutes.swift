import CustosCore
import CustosStore
import Hummingbird
import Prometheus

extension CustosAPI {
    func addReviewRoutes(to router: Router<CustosRequestContext>) {
        router.get("/v1/reviews") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            let params = try Self.parameters(request)
            try params.checkKnown(["status"])
            let status = params.values["status"] ?? "open"
            guard ["open", "closed", "all"].contains(status) else {
                throw Problem.badParameter("status", "must be open, closed or all")
            }
            let reviews = self.reviews.all.filter { status == "all" || ($0.isOpen == (status == "open")) }
            try await self.recorder.record(
                key: key,
                what: "GET " + request.uri.description,
                resource: "reviews",
                subjects: []
            )
            self.metrics.reads.increment()
            return Response.json(.object(JSONObject([("reviews", .array(reviews.map(\.json)))])))
        }
        router.post("/v1/reviews/:id/close") { request, context in
            let key = try await self.authenticator.authenticate(request, scope: .admin)
            let id = try Self.pathParameter(context, "id")
            let json = try await Self.jsonBody(request, limit: 1 << 16)
            guard case .object(let body) = json else {
                throw Problem.badParameter("body", "must be a JSON object {\"outcome\", \"note\"}")
            }
            for field in body.keys where field != "outcome" && field != "note" {
                throw Problem.badParameter(field, "unknown field (expected outcome, note)")
            }
            guard case .string(let outcome)? = body["outcome"], ReviewItem.outcomes.contains(outcome) else {
                throw Problem.badParameter("outcome", "is required: justified, unjustified or inconclusive")
            }
            var note: String?
            switch body["note"] {
            case nil, .null?: break
            case .string(let s)? where s.utf8.count <= 4096: note = s
            default: throw Problem.badParameter("note", "must be a string of at most 4096 bytes")
            }
            guard let review = self.reviews.all.first(where: { $0.id == id }) else {
                throw Problem.notFound("no review \(id)")
            }
            guard review.isOpen else { throw Self.reviewClosed(id) }
            var attributes = JSONObject([
                ("review", .string(id)), ("outcome", .string(outcome)), ("policy", .string(review.policy)),
                ("reviewed_decision", .string(review.decisionID)),
            ])
            if let note { attributes["note"] = .string(note) }
            let event = AccessEvent(
                time: self.clock(),
                actor: Actor(id: key.owner, session: "key:" + key.id),
                action: "custos.review",
                resource: Resource(type: "custos.review", id: id),
                app: "custos",
                attributes: attributes
            )
            let result = try await self.pipeline.submit([event])
            guard case .accepted = result else { throw StoreError(.unavailable, "the review event conflicted") }
            do {
                guard
                    let closed = try self.reviews.close(
                        id: id,
                        outcome: outcome,
                        note: note,
                        by: key.owner,
                        at: self.clock()
                    )
                else { throw Problem.notFound("no review \(id)") }
                return Response.json(closed.json)
            } catch is ReviewClosedError {
                throw Self.reviewClosed(id)
            }
        }
    }

    private static func reviewClosed(_ id: String) -> Problem {
        Problem(.conflict, type: "review-closed", title: "Review closed", detail: "review \(id) is closed already")
    }
}
