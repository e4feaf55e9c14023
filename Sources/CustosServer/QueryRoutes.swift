import CustosCore
import CustosStore
import Foundation
import Hummingbird
import Prometheus

extension CustosAPI {
    func addQueryRoutes(to router: Router<CustosRequestContext>) {
        router.get("/v1/events") { request, context in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            var params = try Self.parameters(request)
            let withProofs = try Self.proofsFlag(&params)
            try params.checkKnown(QueryParameters.eventFilters)
            let query = try params.eventQuery()
            let format = try params.format()
            if withProofs && format == .csv { throw Problem.badParameter("proofs", "is not available as CSV") }
            let publisher = withProofs ? try self.requireLedger() : nil
            let page = try await self.store.events(query)
            try await self.recordRead(key, request, resource: "events", subjects: query.subject.map { [$0] } ?? [])
            if format == .csv {
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/csv; charset=utf-8"],
                    body: .init(
                        byteBuffer: ByteBuffer(
                            string: ResultEncoding.csv(
                                header: ResultEncoding.eventColumns,
                                rows: page.events.map(ResultEncoding.cells)
                            )
                        )
                    )
                )
            }
            if let publisher { return Response.json(try await self.jsonWithProofs(page, publisher: publisher)) }
            return Response.json(ResultEncoding.json(page))
        }
        router.get("/v1/actors/:id/timeline") { request, context in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            let actor = try Self.pathParameter(context, "id")
            let params = try Self.parameters(request)
            try params.checkKnown(["from", "to", "cursor", "limit"])
            let page = try await self.store.timeline(
                TimelineQuery(
                    actor: actor,
                    range: try params.range(),
                    cursor: try params.cursor(),
                    limit: try params.limit(default: 50, maximum: 1000)
                )
            )
            try await self.recordRead(key, request, resource: "actors/\(actor)/timeline")
            return Response.json(ResultEncoding.json(page, actor: actor))
        }
        router.get("/v1/sessions/:id") { request, context in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            let session = try Self.pathParameter(context, "id")
            let params = try Self.parameters(request)
            try params.checkKnown(["cursor", "limit"])
            let query = SessionQuery(
                session: session,
                cursor: try params.cursor(),
                limit: try params.limit(default: 500, maximum: 5000)
            )
            guard let report = try await self.store.session(query) else {
                throw Problem.notFound("no events carry session id \"\(session)\"")
            }
            try await self.recordRead(key, request, resource: "sessions/\(session)")
            return Response.json(ResultEncoding.json(report, session: session))
        }
        router.get("/v1/datasets/:id/access") { request, context in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            let dataset = try Self.pathParameter(context, "id")
            let params = try Self.parameters(request)
            try params.checkKnown(["from", "to", "limit"])
            let report = try await self.store.datasetAccess(
                DatasetAccessQuery(
                    dataset: dataset,
                    range: try params.range(),
                    limit: try params.limit(default: 1000, maximum: 100_000)
                )
            )
            try await self.recordRead(key, request, resource: "datasets/\(dataset)/access")
            return Response.json(ResultEncoding.json(report))
        }
        router.get("/v1/subjects/:id/access") { request, context in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            let subject = try Self.pathParameter(context, "id")
            let params = try Self.parameters(request)
            try params.checkKnown(["from", "to", "cursor", "limit"])
            let page = try await self.store.subjectAccess(
                SubjectAccessQuery(
                    subject: subject,
                    range: try params.range(),
                    cursor: try params.cursor(),
                    limit: try params.limit(default: 100, maximum: 1000)
                )
            )
            try await self.recordRead(key, request, resource: "subjects/\(subject)/access", subjects: [subject])
            var doc = ResultEncoding.json(page)
            if case .object(var o) = doc {
                o["subject"] = .string(subject)
                doc = .object(o)
            }
            return Response.json(doc)
        }
    }

    func recordRead(
        _ key: APIKeyRecord,
        _ request: Request,
        resource: String,
        subjects: [String] = []
    ) async throws {
        try await recorder.record(
            key: key,
            what: "GET " + request.uri.description,
            resource: resource,
            subjects: subjects
        )
        metrics.reads.increment()
    }

    /// Takes the `proofs` flag (`true` or `false`) out of the parameters.
    static func proofsFlag(_ params: inout QueryParameters) throws(Problem) -> Bool {
        guard let value = params.values.removeValue(forKey: "proofs") else { return false }
        switch value {
        case "true": return true
        case "false": return false
        default: throw Problem.badParameter("proofs", "must be true or false")
        }
    }

    static func parameters(_ request: Request) throws(Problem) -> QueryParameters {
        var values: [String: String] = [:]
        for (k, v) in request.uri.queryParameters {
            let name = String(k)
            if values[name] != nil { throw Problem.badParameter(name, "is given more than once") }
            values[name] = String(v)
        }
        return QueryParameters(values)
    }

    static func pathParameter(_ context: CustosRequestContext, _ name: String) throws(Problem) -> String {
        guard let raw = context.parameters.get(name), let value = raw.removingPercentEncoding, !value.isEmpty else {
            throw Problem.badParameter(name, "is missing or not valid percent-encoding")
        }
        guard value.utf8.count <= 256 else { throw Problem.badParameter(name, "is longer than 256 bytes") }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw Problem.badParameter(name, "must not contain control characters")
        }
        return value
    }
}
