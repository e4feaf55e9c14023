import CustosCore
import CustosStore
import Foundation
import Hummingbird

extension CustosAPI {
    func addConsoleSubjectRoutes(_ console: Console, to router: Router<CustosRequestContext>) {
        router.get("/subjects") { request, _ in
            try await self.page(console, request, .subjects) { signedIn in
                self.render(
                    console,
                    "subjects",
                    title: "Subject reports",
                    signedIn: signedIn,
                    section: .subjects,
                    data: [:]
                )
            }
        }
        router.get("/subjects/report") { request, _ in
            try await self.page(console, request, .subjects) { signedIn in
                let (query, params) = try Self.subjectQuery(request, limit: 200)
                let page = try await self.store.subjectAccess(query)
                let data: [String: Any] = [
                    "subject": query.subject, "period": Self.period(query.range),
                    "total": ConsoleFormat.count(page.total ?? Int64(page.events.count)),
                    "produced": ConsoleFormat.time(self.clock()), "producedBy": signedIn.account.username,
                    "bundle": ConsoleFormat.link(
                        "/subjects/report.json",
                        [("subject", query.subject), ("from", params.values["from"]), ("to", params.values["to"])]
                    ),
                    "events": page.events.map { s in
                        let e = s.event
                        return [
                            "time": ConsoleFormat.time(e.time),
                            "actor": e.actor.name.map { "\($0) (\(e.actor.id))" }
                                ?? e.actor.id,
                            "org": e.actor.org ?? "", "action": e.action, "outcome": e.outcome.rawValue,
                            "dataset": e.resource?.dataset ?? "", "caseID": e.purpose?.caseID ?? "—",
                            "reason": e.purpose?.reason ?? "—", "seq": s.seq, "link": "/events/\(s.seq)",
                        ] as [String: Any]
                    },
                    "next": page.nextCursor.map { c in
                        ConsoleFormat.link(
                            "/subjects/report",
                            [
                                ("subject", query.subject), ("from", params.values["from"]),
                                ("to", params.values["to"]), ("cursor", c.description),
                            ]
                        )
                    } ?? "",
                ]
                try await self.recordView(
                    signedIn,
                    request,
                    resource: "subjects/\(query.subject)",
                    subjects: [query.subject]
                )
                return self.render(
                    console,
                    "subject",
                    title: "Access to the data of \(query.subject)",
                    signedIn: signedIn,
                    section: .subjects,
                    data: data
                )
            }
        }
        router.get("/subjects/report.json") { request, _ in
            try await self.page(console, request, .subjects) { signedIn in
                let (query, _) = try Self.subjectQuery(request, limit: 1000)
                let publisher = try self.requireLedger()
                let page = try await self.store.subjectAccess(query)
                guard case .object(var doc) = try await self.jsonWithProofs(page, publisher: publisher) else {
                    throw Problem(.internalServerError, type: "internal", title: "Internal error", detail: "no bundle")
                }
                doc["subject"] = .string(query.subject)
                doc["from"] = query.range.from.map { .string($0.rfc3339) } ?? .null
                doc["to"] = query.range.to.map { .string($0.rfc3339) } ?? .null
                doc["verifier_key"] = .string(publisher.verifierKey)
                doc["produced"] = .string(self.clock().rfc3339)
                doc["produced_by"] = .string(signedIn.account.actor)
                try await self.recordView(
                    signedIn,
                    request,
                    resource: "subjects/\(query.subject)/bundle",
                    subjects: [query.subject]
                )
                var headers = Self.consoleHeaders(contentType: "application/json")
                headers[.contentDisposition] = "attachment; filename=\"subject-report.json\""
                return Response(
                    status: .ok,
                    headers: headers,
                    body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(.object(doc))))
                )
            }
        }
    }

    static func subjectQuery(_ request: Request, limit: Int) throws(Problem) -> (SubjectAccessQuery, QueryParameters) {
        let params = try nonEmptyParameters(request)
        try params.checkKnown(["subject", "from", "to", "cursor"])
        guard let subject = try params.string("subject") else { throw Problem.badParameter("subject", "is required") }
        return (
            SubjectAccessQuery(subject: subject, range: try params.range(), cursor: try params.cursor(), limit: limit),
            params
        )
    }

    static func period(_ range: TimeRange) -> String {
        (range.from.map(ConsoleFormat.time) ?? "the beginning") + " to " + (range.to.map(ConsoleFormat.time) ?? "now")
    }
}
