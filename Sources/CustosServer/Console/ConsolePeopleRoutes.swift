import CustosCore
import CustosStore
import Foundation
import Hummingbird

extension CustosAPI {
    func addConsolePeopleRoutes(_ console: Console, to router: Router<CustosRequestContext>) {
        router.get("/people") { request, _ in
            try await self.page(console, request, .people) { signedIn in
                // The most recently active actors, newest first, that this account may see.
                let recent = try await self.store.events(EventQuery(limit: 500))
                var seen = Set<String>()
                var actors: [[String: Any]] = []
                for stored in recent.events where actors.count < 50 {
                    let a = stored.event.actor
                    guard !seen.contains(a.id), stored.event.action != "custos.read" else { continue }
                    seen.insert(a.id)
                    guard signedIn.account.mayView(orgUnit: a.org) else { continue }
                    actors.append([
                        "id": a.id, "name": a.name ?? "", "org": a.org ?? "",
                        "last": ConsoleFormat.time(stored.event.time),
                        "link": "/people/" + ConsoleFormat.segment(a.id),
                    ])
                }
                try await self.recordView(signedIn, request, resource: "people")
                return self.render(
                    console,
                    "people",
                    title: "People",
                    signedIn: signedIn,
                    section: .people,
                    data: ["actors": actors]
                )
            }
        }
        router.get("/people/find") { request, _ in
            try await self.page(console, request, .people) { _ in
                let actor = request.uri.queryParameters["actor"].map(String.init) ?? ""
                return Response.redirect(to: "/people/" + ConsoleFormat.segment(actor), type: .normal)
            }
        }
        router.get("/people/:id") { request, context in
            try await self.page(console, request, .people) { signedIn in
                let actor = try Self.pathParameter(context, "id")
                let params = try Self.nonEmptyParameters(request)
                try params.checkKnown(["cursor"])
                let latest = try await self.store.events(EventQuery(actor: actor, limit: 1)).events.first?.event
                guard signedIn.account.mayView(orgUnit: latest?.actor.org) else {
                    return self.refuse(
                        console,
                        signedIn,
                        "\(actor) is not in an org unit you oversee."
                    )
                }
                let page = try await self.store.timeline(
                    TimelineQuery(actor: actor, cursor: try params.cursor(), limit: 50)
                )
                let denied = try await self.store.events(EventQuery(actor: actor, outcome: .denied, limit: 20))
                var perDay: [String: Int64] = [:]
                var datasetSessions: [String: Int] = [:]
                for s in page.sessions {
                    perDay[String(s.start.rfc3339.prefix(10)), default: 0] += s.events
                    for d in s.datasets { datasetSessions[d, default: 0] += 1 }
                }
                let bars = perDay.keys.sorted().map { SVGBarChart.Bar(label: $0, value: perDay[$0]!) }
                let data: [String: Any] = [
                    "actor": actor, "name": latest?.actor.name ?? "—", "org": latest?.actor.org ?? "—",
                    "volumeChart": SVGBarChart(title: "Events per day of \(actor)", bars: bars).svg,
                    "datasets": datasetSessions.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map {
                        ["name": $0.key, "sessions": $0.value] as [String: Any]
                    },
                    "denied": denied.events.map { s in
                        [
                            "time": ConsoleFormat.time(s.event.time), "action": s.event.action,
                            "resource": s.event.resource?.id ?? "", "link": "/events/\(s.seq)",
                        ] as [String: Any]
                    },
                    "sessions": page.sessions.map { s in
                        [
                            "start": ConsoleFormat.time(s.start), "end": ConsoleFormat.time(s.end),
                            "events": ConsoleFormat.count(s.events), "rows": ConsoleFormat.count(s.rows),
                            "denied": "\(s.denied)", "hasDenied": s.denied > 0,
                            "datasets": s.datasets.joined(separator: ", "),
                            "link": "/sessions/" + ConsoleFormat.segment(s.session),
                        ] as [String: Any]
                    },
                    "next": page.nextCursor.map {
                        ConsoleFormat.link("/people/" + ConsoleFormat.segment(actor), [("cursor", $0.description)])
                    } ?? "",
                ]
                try await self.recordView(signedIn, request, resource: "actors/\(actor)")
                return self.render(
                    console,
                    "person",
                    title: "Officer \(actor)",
                    signedIn: signedIn,
                    section: .people,
                    data: data
                )
            }
        }
        router.get("/sessions/:id") { request, context in
            try await self.page(console, request, .people) { signedIn in
                let session = try Self.pathParameter(context, "id")
                let params = try Self.nonEmptyParameters(request)
                try params.checkKnown(["cursor"])
                guard
                    let report = try await self.store.session(
                        SessionQuery(session: session, cursor: try params.cursor(), limit: 200)
                    )
                else { throw Problem.notFound("no events carry session id \"\(session)\"") }
                for stored in report.page.events where !signedIn.account.mayView(orgUnit: stored.event.actor.org) {
                    return self.refuse(console, signedIn, "This session belongs to an org unit you do not oversee.")
                }
                let data: [String: Any] = [
                    "summaries": report.summaries.map { s in
                        [
                            "actor": s.actor, "link": "/people/" + ConsoleFormat.segment(s.actor),
                            "start": ConsoleFormat.time(s.start), "end": ConsoleFormat.time(s.end),
                            "events": ConsoleFormat.count(s.events), "denied": ConsoleFormat.count(s.denied),
                        ] as [String: Any]
                    },
                    "events": report.page.events.map(Self.eventRow),
                    "next": report.page.nextCursor.map {
                        ConsoleFormat.link("/sessions/" + ConsoleFormat.segment(session), [("cursor", $0.description)])
                    } ?? "",
                ]
                try await self.recordView(signedIn, request, resource: "sessions/\(session)")
                return self.render(
                    console,
                    "session",
                    title: "Session \(session)",
                    signedIn: signedIn,
                    section: .people,
                    data: data
                )
            }
        }
    }

    /// One row of an events table.
    static func eventRow(_ s: StoredEvent) -> [String: Any] {
        let e = s.event
        return [
            "seq": s.seq, "link": "/events/\(s.seq)", "time": ConsoleFormat.time(e.time), "actor": e.actor.id,
            "action": e.action, "outcome": e.outcome.rawValue, "dataset": e.resource?.dataset ?? "",
            "resource": e.resource?.id ?? "", "subjects": e.subjects.prefix(5).joined(separator: " "),
            "rows": e.rows.map(String.init) ?? "",
            "purpose": [e.purpose?.caseID, e.purpose?.reason].compactMap { $0 }.joined(separator: " · "),
        ]
    }
}
