import CustosCore
import CustosLedger
import CustosStore
import Foundation
import Hummingbird

extension CustosAPI {
    func addConsoleOverviewRoutes(_ console: Console, to router: Router<CustosRequestContext>) {
        router.get("/") { request, _ in
            try await self.page(console, request, .overview) { signedIn in
                var data: [String: Any] = [:]
                // The chart covers the 30 days up to the newest dataset access (demo data may lie in the past).
                let totals = try await console.activity.datasetTotals(limit: 10_000)
                let end = totals.map(\.last).max() ?? self.clock()
                let day: Int64 = 86_400_000
                let to: Int64 = (end.millisecondsSinceEpoch / day + 1) * day
                let from: Int64 = to - 30 * day
                let buckets = try await console.activity.dailyActivity(
                    range: TimeRange(
                        from: Timestamp(millisecondsSinceEpoch: from),
                        to: Timestamp(millisecondsSinceEpoch: to)
                    )
                )
                var byDay: [Int64: Int64] = [:]
                for b in buckets { byDay[b.start.millisecondsSinceEpoch] = b.events }
                let bars = stride(from: from, to: to, by: Int(day)).map { (start: Int64) -> SVGBarChart.Bar in
                    SVGBarChart.Bar(
                        label: String(Timestamp(millisecondsSinceEpoch: start).rfc3339.prefix(10).dropFirst(5)),
                        value: byDay[start] ?? 0
                    )
                }
                data["activityChart"] =
                    SVGBarChart(title: "Dataset accesses per day, the 30 days to the newest one", bars: bars).svg
                data["activityNote"] =
                    "The 30 UTC days up to the newest dataset access (\(ConsoleFormat.time(end))); "
                    + "\(ConsoleFormat.count(bars.reduce(0) { $0 + $1.value })) dataset accesses."
                let mayDrill = signedIn.account.role.mayOpen(.datasets)
                data["datasets"] = totals.prefix(10).map { t in
                    [
                        "name": t.dataset, "events": ConsoleFormat.count(t.events),
                        "rows": ConsoleFormat.count(t.rows), "actors": ConsoleFormat.count(t.actors),
                        "last": ConsoleFormat.time(t.last),
                        "link": "/datasets/" + ConsoleFormat.segment(t.dataset), "hasLink": mayDrill,
                    ] as [String: Any]
                }
                if let publisher = self.ledger, let latest = try await publisher.latestCheckpoint() {
                    data["checkpoint"] = try await self.checkpointFacts(console, publisher, latest)
                }
                data["alertSummary"] = try await self.consoleAlertSummary(signedIn)
                try await self.recordView(signedIn, request, resource: "overview")
                return self.render(
                    console,
                    "overview",
                    title: "Overview",
                    signedIn: signedIn,
                    section: .overview,
                    data: data
                )
            }
        }
    }

    /// The facts about the latest checkpoint the overview shows: size, age, signature, cosignatures, verification.
    func checkpointFacts(
        _ console: Console,
        _ publisher: CheckpointPublisher,
        _ latest: StoredCheckpoint
    ) async throws -> [String: Any] {
        let now = clock()
        let signatureValid =
            (try? Checkpoint.open(
                Array(latest.note.utf8),
                origin: publisher.origin,
                verifiers: [publisher.signer.verifier]
            )) != nil
        // A note's signature lines start with an em dash; ours is one of them, the others are witnesses'.
        let signatures = latest.note.split(separator: "\n").filter { $0.hasPrefix("\u{2014} ") }
        let witnesses = signatures.map { String($0.dropFirst(2).prefix { $0 != " " }) }
            .filter { $0 != publisher.origin }
        let verification = console.verification.summary(now: now)
        return [
            "size": ConsoleFormat.count(Int64(latest.size)),
            "created": ConsoleFormat.time(Timestamp(millisecondsSinceEpoch: latest.createdMilliseconds)),
            "age": ConsoleFormat.age(milliseconds: now.millisecondsSinceEpoch - latest.createdMilliseconds),
            "signature": signatureValid ? "valid (\(publisher.origin))" : "INVALID",
            "signatureClass": signatureValid ? "good" : "bad",
            "cosignatures": witnesses.isEmpty ? "none" : witnesses.joined(separator: ", "),
            "events": ConsoleFormat.count(try await store.statistics().events),
            "verification": verification.message,
            "verificationClass": verification.passed.map { $0 ? "good" : "bad" } ?? "",
        ]
    }
}
