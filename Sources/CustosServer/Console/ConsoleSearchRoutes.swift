import CustosCore
import CustosStore
import Foundation
import Hummingbird

extension CustosAPI {
    /// The text filters of the search form, in order: name, label, placeholder.
    static let searchFields: [(String, String, String)] = [
        ("actor", "Actor", "officer-0001"), ("session", "Session", ""), ("action", "Action", "read"),
        ("dataset", "Dataset", "persons"), ("resource", "Resource", ""), ("subject", "Subject", "person:1"),
        ("app", "App", ""), ("from", "From", "2026-01-01T00:00:00Z"), ("to", "To", "2026-02-01T00:00:00Z"),
        ("limit", "Per page", "100"),
    ]

    /// Parameters as sorted name/value pairs for a link.
    static func pairs(_ values: [String: String]) -> [(String, String?)] {
        values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    func addConsoleSearchRoutes(_ console: Console, to router: Router<CustosRequestContext>) {
        router.get("/search") { request, _ in
            try await self.page(console, request, .search) { signedIn in
                let params = try Self.nonEmptyParameters(request)
                var data: [String: Any] = [
                    "fields": Self.searchFields.map { name, label, placeholder in
                        ["name": name, "label": label, "placeholder": placeholder, "value": params.values[name] ?? ""]
                    },
                    "outcomes": ["", "success", "denied", "failure"].map { o in
                        [
                            "value": o, "label": o.isEmpty ? "any" : o, "selected": params.values["outcome"] == o,
                        ] as [String: Any]
                    },
                ]
                if !params.values.isEmpty {
                    do {
                        try params.checkKnown(QueryParameters.eventFilters.filter { $0 != "format" })
                        let query = try params.eventQuery()
                        let page = try await self.store.events(query)
                        try await self.recordView(
                            signedIn,
                            request,
                            resource: "events",
                            subjects: query.subject.map { [$0] } ?? []
                        )
                        var next = params.values
                        next["cursor"] = page.nextCursor?.description
                        data["searched"] =
                            [
                                "count": page.events.count, "events": page.events.map(Self.eventRow),
                                "csv": ConsoleFormat.link("/search.csv", Self.pairs(params.values)),
                                "next": page.nextCursor == nil
                                    ? "" : ConsoleFormat.link("/search", Self.pairs(next)),
                            ].filter { !(($0.value as? String)?.isEmpty ?? false) } as [String: Any]
                    } catch let p as Problem {
                        data["error"] = p.detail
                    }
                }
                return self.render(console, "search", title: "Search", signedIn: signedIn, section: .search, data: data)
            }
        }
        router.get("/search.csv") { request, _ in
            try await self.page(console, request, .search) { signedIn in
                let params = try Self.nonEmptyParameters(request)
                try params.checkKnown(QueryParameters.eventFilters.filter { $0 != "format" })
                let query = try params.eventQuery()
                let page = try await self.store.events(query)
                try await self.recordView(
                    signedIn,
                    request,
                    resource: "events",
                    subjects: query.subject.map { [$0] } ?? []
                )
                var headers = Self.consoleHeaders(contentType: "text/csv; charset=utf-8")
                headers[.contentDisposition] = "attachment; filename=\"custos-events.csv\""
                return Response(
                    status: .ok,
                    headers: headers,
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
        }
        router.get("/events/:seq") { request, context in
            // Privacy officers reach events from searches, auditors from subject reports: either section will do.
            let section: ConsoleSection =
                try await self.signedIn(console, request)?.account.role.mayOpen(.search) == true ? .search : .subjects
            return try await self.page(console, request, section) { signedIn in
                guard let seq = Int64(try Self.pathParameter(context, "seq")), seq >= 0, seq < Int64.max else {
                    throw Problem.badParameter("seq", "must be a whole number ≥ 0")
                }
                let page = try await self.store.events(
                    EventQuery(cursor: PageCursor(position: seq + 1), limit: 1, order: .descending)
                )
                guard let stored = page.events.first, stored.seq == seq else {
                    throw Problem.notFound("there is no event \(seq)")
                }
                var data: [String: Any] = [
                    "seq": seq, "time": ConsoleFormat.time(stored.event.time), "actor": stored.event.actor.id,
                    "action": stored.event.action, "outcome": stored.event.outcome.rawValue,
                    "eventJSON": ConsoleFormat.pretty(stored.jsonValue),
                ]
                if let publisher = self.ledger {
                    let one = EventPage(events: [stored], nextCursor: nil)
                    if case .object(let doc) = try await self.jsonWithProofs(one, publisher: publisher),
                        case .array(let events)? = doc["events"], case .object(let e)? = events.first,
                        case .object(let ledger)? = e["ledger"]
                    {
                        if case .object(let proof)? = ledger["inclusion_proof"] {
                            var shown = ledger
                            shown["disclosure"] = nil
                            data["proof"] = ConsoleFormat.pretty(.object(shown))
                            if case .integer(let size)? = proof["tree_size"] { data["treeSize"] = size }
                        }
                        data["checkpoint"] = doc["checkpoint"].map(ConsoleFormat.pretty) ?? ""
                    }
                }
                try await self.recordView(signedIn, request, resource: "events/\(seq)", subjects: stored.event.subjects)
                return self.render(
                    console,
                    "event",
                    title: "Event \(seq)",
                    signedIn: signedIn,
                    section: section,
                    data: data
                )
            }
        }
    }
}
