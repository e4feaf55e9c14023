import ArgumentParser
import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

/// `custos erase`: erasure under a retention rule — the bodies and salts of old events go, their ledger entries
/// stay, and the erasure is itself recorded.
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase the bodies and salts of events older than a time, keeping their ledger entries.",
        discussion: """
            Records a custos.erase event naming the rule, the count and the erased seqs first, then erases exactly \
            those events. custos verify reports them as redacted, not tampered. See docs/ledger.md, "Erasure".
            """
    )

    @Option(name: .long, help: "The data directory.")
    var data: String

    @Option(name: .long, help: "Erase events whose time is before this (RFC 3339).")
    var before: String

    @Option(name: .long, help: "Only events of this app.")
    var app: String?

    @Option(name: .long, help: "Who orders the erasure (recorded as the erase event's actor).")
    var actor = "custos-cli"

    func run() async throws {
        guard case .success(let cutoff) = Timestamp.parse(before) else {
            throw ValidationError("--before must be an RFC 3339 time, e.g. 2026-01-01T00:00:00Z")
        }
        guard FileManager.default.fileExists(atPath: (data as NSString).appendingPathComponent("custos.sqlite")) else {
            throw ValidationError("\(data) holds no custos.sqlite")
        }
        let local = try LocalStore(directory: data)
        let store = local.store
        let plan = try await store.erasurePlan(before: cutoff, app: app)
        guard !plan.seqs.isEmpty else {
            printFlushed("Nothing to erase: no event before \(cutoff.rfc3339)\(app.map { " of app \($0)" } ?? "").")
            return
        }
        var attributes = JSONObject()
        attributes["before"] = .string(cutoff.rfc3339)
        if let app { attributes["app"] = .string(app) }
        attributes["count"] = .integer(Int64(plan.seqs.count))
        attributes["seqs"] = .string(plan.ranges)
        let record = AccessEvent(
            time: CustosAPI.systemClock(),
            actor: Actor(id: actor),
            action: SQLiteStore.eraseAction,
            resource: Resource(
                type: "custos.events",
                id: "before \(cutoff.rfc3339)" + (app.map { " app \($0)" } ?? "")
            ),
            rows: Int64(plan.seqs.count),
            app: "custos-cli",
            attributes: attributes
        )
        if case .invalid(let issues) = EventValidator(allowsReservedActions: true).validate(record.jsonValue) {
            throw ValidationError("the erasure cannot be recorded: \(issues.first.map(\.description) ?? "invalid")")
        }
        _ = try await local.pipeline.submit([record])
        let erased = try await store.erase(plan)
        printFlushed(
            "Erased \(erased) event\(erased == 1 ? "" : "s") (seqs \(plan.ranges)) before \(cutoff.rfc3339)"
                + (app.map { " of app \($0)" } ?? "") + "; recorded as a custos.erase event."
        )
    }
}
