import CustosCore
import CustosStore
import Foundation
import Hummingbird

extension CustosAPI {
    func addConsoleDatasetRoutes(_ console: Console, to router: Router<CustosRequestContext>) {
        router.get("/datasets") { request, _ in
            try await self.page(console, request, .datasets) { signedIn in
                let totals = try await console.activity.datasetTotals(limit: 500)
                try await self.recordView(signedIn, request, resource: "datasets")
                return self.render(
                    console,
                    "datasets",
                    title: "Datasets",
                    signedIn: signedIn,
                    section: .datasets,
                    data: [
                        "datasets": totals.map { t in
                            [
                                "name": t.dataset, "link": "/datasets/" + ConsoleFormat.segment(t.dataset),
                                "events": ConsoleFormat.count(t.events), "rows": ConsoleFormat.count(t.rows),
                                "actors": ConsoleFormat.count(t.actors), "last": ConsoleFormat.time(t.last),
                            ] as [String: Any]
                        }
                    ]
                )
            }
        }
        router.get("/datasets/:id") { request, context in
            try await self.page(console, request, .datasets) { signedIn in
                let dataset = try Self.pathParameter(context, "id")
                let params = try Self.nonEmptyParameters(request)
                try params.checkKnown(["from", "to"])
                let range = try params.range()
                let report = try await self.store.datasetAccess(
                    DatasetAccessQuery(dataset: dataset, range: range, limit: 100)
                )
                let bars = report.actors.prefix(25).map { SVGBarChart.Bar(label: $0.actor, value: $0.events) }
                let data: [String: Any] = [
                    "from": params.values["from"] ?? "", "to": params.values["to"] ?? "",
                    "shown": bars.count, "total": report.totalActors,
                    "actorChart": SVGBarChart(title: "Events per actor in \(dataset)", bars: Array(bars)).svg,
                    "actors": report.actors.map { r in
                        [
                            "actor": r.actor, "events": ConsoleFormat.count(r.events),
                            "rows": ConsoleFormat.count(r.rows), "bytes": ConsoleFormat.count(r.bytes),
                            "first": ConsoleFormat.time(r.first), "last": ConsoleFormat.time(r.last),
                            "link": ConsoleFormat.link(
                                "/search",
                                [
                                    ("dataset", dataset), ("actor", r.actor), ("from", params.values["from"]),
                                    ("to", params.values["to"]),
                                ]
                            ),
                        ] as [String: Any]
                    },
                ]
                try await self.recordView(signedIn, request, resource: "datasets/\(dataset)")
                return self.render(
                    console,
                    "dataset",
                    title: "Dataset \(dataset)",
                    signedIn: signedIn,
                    section: .datasets,
                    data: data
                )
            }
        }
    }
}
