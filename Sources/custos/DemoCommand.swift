import ArgumentParser
import CustosCore
import CustosLedger
import CustosSQLite
import CustosServer
import CustosSimulation
import CustosStore
import Foundation

/// `custos demo`: the server on the embedded store, filled with a simulated agency, ready to explore.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start Custos with a simulated agency's activity (misuse mixed in) on the embedded store."
    )

    @Option(name: .long, help: "The data directory.")
    var data: String = "./custos-data"

    @Option(name: .long, help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on (0 picks a free port).")
    var port: Int = 8080

    @Option(name: .long, help: "Simulated field officers.")
    var officers: Int = 200

    @Option(name: .long, help: "Simulated days.")
    var days: Int = 21

    @Option(name: .long, help: "The simulation's seed.")
    var seed: UInt64 = 7

    @Option(name: .long, help: "The rule pack copied into DATA/rules when it has none (the repository's rules/).")
    var rules: String = "rules"

    func validate() throws {
        try validatePort(port)
        try SimulateCommand.validateSize(officers: officers, days: days)
    }

    func run() async throws {
        let local = try LocalStore(directory: data, creating: true)
        let simulation = AgencySimulation(config: SimulationConfig(officers: officers, days: days, seed: seed))
        let labels = simulation.labels()
        if try await local.store.statistics().events == 0 {
            printError("Simulating \(officers) officers over \(days) days and loading their activity…")
            _ = try SimulationFiles.write(simulation, to: data + "/simulation", progress: false)
            var progress = ProgressLine(total: nil)
            var done = 0
            var batch: [AccessEvent] = []
            batch.reserveCapacity(1000)
            try await withThrowingTaskGroup(of: Int.self) { group in
                var inFlight = 0
                for event in simulation.events() {
                    batch.append(event)
                    guard batch.count == 1000 else { continue }
                    let b = batch
                    batch.removeAll(keepingCapacity: true)
                    if inFlight == 4, let n = try await group.next() {
                        done += n
                        inFlight -= 1
                        progress.update(done)
                    }
                    group.addTask {
                        _ = try await local.pipeline.submit(b)
                        return b.count
                    }
                    inFlight += 1
                }
                if !batch.isEmpty {
                    let b = batch
                    group.addTask {
                        _ = try await local.pipeline.submit(b)
                        return b.count
                    }
                }
                for try await n in group { done += n }
            }
            printError("Loaded " + progress.finish(done) + ". Reference data and labels: \(data)/simulation/")
        } else {
            printError("Using the events already in \(data) (delete the directory to simulate anew).")
        }
        DemoDetectionFiles.install(data: data, rules: rules)
        let issued = APIKeyToken.issue(
            name: "demo",
            owner: "demo-overseer",
            scopes: [.read, .ingest, .admin, .triage],
            now: CustosAPI.systemClock()
        )
        try await local.store.insertKey(issued.record)
        try await local.record(
            action: "custos.key-create",
            resourceType: "custos.key",
            resourceID: issued.record.id,
            query: "name=demo owner=demo-overseer scopes=admin,ingest,read,triage"
        )

        let consoleLogin = try await Self.createConsoleAccount(local)

        let misuse = labels.first { !$0.benign }
        let actor = misuse?.actor ?? "officer-0001"
        var c = ServerConfiguration()
        c.host = host
        c.port = port
        c.dataDirectory = data
        let token = issued.token
        let key = try CustosServerRunner.signer(dataDirectory: data, origin: c.origin)
        let verifierKey = key.signer.verifier.verifierKey
        let rules = FileManager.default.fileExists(atPath: "rules") ? "rules" : nil
        try await CustosServerRunner.run(
            c,
            store: local.store,
            signer: key.signer,
            rules: rules.map { ($0, ConsoleRulePack.load(directory: $0)) }
        ) { url in
            printFlushed(
                """

                Custos demo is running at \(url)  (data: \(data); Ctrl-C stops it)
                API key (admin, shown once):  \(token)
                Console:                      \(url)/  user \(consoleLogin.username)  password \(consoleLogin.password)
                Checkpoint verifier key:      \(verifierKey)

                Try:
                  export CUSTOS_API_KEY=\(token)
                  swift run custos query events --server \(url) --actor \(actor) --limit 20
                  swift run custos query timeline \(actor) --server \(url)
                  swift run custos query dataset persons --server \(url)
                  swift run custos query subject person:1 --server \(url)
                  swift run custos alerts list --server \(url)   # live detection over the rule pack
                  curl -H "Authorization: Bearer $CUSTOS_API_KEY" '\(url)/v1/events?action=export&limit=5'
                  swift run custos verify --data \(data)          # recompute the ledger, check every checkpoint
                  swift run custos eval --sim \(data)/simulation  # the rule pack against the injected misuse
                The ground truth of the injected misuse is in \(data)/simulation/labels.ndjson.
                """
            )
        }
    }
}
