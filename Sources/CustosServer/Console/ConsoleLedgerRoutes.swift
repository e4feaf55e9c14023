import CustosCore
import CustosLedger
import CustosStore
import Foundation
import Hummingbird

extension CustosAPI {
    func addConsoleLedgerRoutes(_ console: Console, to router: Router<CustosRequestContext>) {
        router.get("/ledger") { request, _ in
            try await self.page(console, request, .ledger) { signedIn in
                let publisher = try self.requireLedger()
                let list = try await publisher.store.checkpoints(limit: 100)
                let bars = list.reversed().map {
                    SVGBarChart.Bar(
                        label: String(Timestamp(millisecondsSinceEpoch: $0.createdMilliseconds).rfc3339.prefix(16)),
                        value: Int64($0.size)
                    )
                }
                let data: [String: Any] = [
                    "csrf": signedIn.session.csrfToken, "count": list.count,
                    "verification": console.verification.summary(now: self.clock()).message,
                    "running": console.verification.summary(now: self.clock()).state == "running" ? "true" : "false",
                    "sizeChart": SVGBarChart(title: "Tree size at each of the latest checkpoints", bars: bars).svg,
                    "checkpoints": list.prefix(25).map { c in
                        [
                            "created": ConsoleFormat.time(Timestamp(millisecondsSinceEpoch: c.createdMilliseconds)),
                            "size": ConsoleFormat.count(Int64(c.size)), "root": c.rootHash.base64String,
                        ] as [String: Any]
                    },
                    "verifierKey": publisher.verifierKey,
                ]
                try await self.recordView(signedIn, request, resource: "checkpoints")
                return self.render(console, "ledger", title: "Ledger", signedIn: signedIn, section: .ledger, data: data)
            }
        }
        router.post("/ledger/verify") { request, context in
            try await self.page(console, request, .ledger) { signedIn in
                if let refused = try await self.checkPost(console, request, signedIn) { return refused }
                guard let verify = console.configuration.verify else {
                    throw Problem(
                        .serviceUnavailable,
                        type: "no-verifier",
                        title: "No verifier",
                        detail: "this server cannot verify its ledger"
                    )
                }
                let recorder = VerificationRecorder(pipeline: self.pipeline, clock: self.clock)
                let requester = signedIn.account.actor
                let logger = context.logger
                _ = console.verification.start(now: self.clock(), clock: self.clock) {
                    let outcome = try await verify()
                    await recorder.record(outcome, requester: requester, logger: logger)
                    return outcome
                }
                try await self.recorder.record(
                    actor: signedIn.account.actor,
                    session: signedIn.session.label,
                    what: "POST /ledger/verify",
                    resource: "console/ledger/verify",
                    subjects: []
                )
                return Response.redirect(to: "/ledger", type: .found)
            }
        }
        router.get("/ledger/verify/status") { request, _ in
            try await self.page(console, request, .ledger) { _ in
                let s = console.verification.summary(now: self.clock())
                var o = JSONObject()
                o["state"] = .string(s.state)
                o["message"] = .string(s.message)
                var r = Response.json(.object(o))
                r.headers[.cacheControl] = "no-store"
                return r
            }
        }
    }
}
