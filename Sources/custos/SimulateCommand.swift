import ArgumentParser
import CustosCore
import CustosSimulation
import Foundation

/// `custos simulate`: writes a realistic agency workload — events, reference data and ground truth.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a simulated agency's events, reference data and labelled misuse (docs/simulation.md).",
        discussion: """
            Writes DIR/events.ndjson (access events in time order), DIR/entities.json (the directory, cases, \
            watch lists and datasets as Cedar entities JSON) and DIR/labels.ndjson (the ground truth: every \
            injected misuse scenario and benign look-alike). The same options and seed give the same bytes.
            """
    )

    @Option(name: .long, help: "Field officers (support staff and service accounts are added in proportion).")
    var officers: Int = 100

    @Option(name: .long, help: "Days of activity.")
    var days: Int = 14

    @Option(name: .long, help: "The random seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Days of ordinary activity before any misuse (default min(14, days/2)).")
    var warmUp: Int?

    @Option(name: .long, help: "The output directory.")
    var out: String

    /// The simulation sizes a command accepts (`simulate`, `demo`).
    static func validateSize(officers: Int, days: Int) throws {
        guard (1...100_000).contains(officers) else { throw ValidationError("--officers must be from 1 to 100000") }
        guard (1...3650).contains(days) else { throw ValidationError("--days must be from 1 to 3650") }
    }

    func validate() throws {
        try Self.validateSize(officers: officers, days: days)
        if let warmUp, !(0...days).contains(warmUp) { throw ValidationError("--warm-up must be from 0 to --days") }
    }

    func run() async throws {
        let simulation = AgencySimulation(
            config: SimulationConfig(officers: officers, days: days, seed: seed, warmUpDays: warmUp)
        )
        let counts: SimulationFiles.Counts
        do {
            counts = try SimulationFiles.write(simulation, to: out, progress: true)
        } catch let error as ValidationErrorText {
            throw error
        } catch {
            throw ValidationErrorText("cannot write \(out): \(fileErrorReason(error))")
        }
        printError(
            "Wrote \(counts.events) events, \(counts.entities) entities and \(counts.labels) labels to \(out)"
        )
    }
}

/// Writes a simulation's three files.
enum SimulationFiles {
    struct Counts {
        var events = 0
        var entities = 0
        var labels = 0
    }

    static func write(
        _ simulation: AgencySimulation,
        to directory: String,
        progress showProgress: Bool
    ) throws -> Counts {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var counts = Counts()
        let entities = simulation.referenceEntities()
        counts.entities = entities.arrayValue?.count ?? 0
        try Data(CanonicalJSON.encode(entities) + [0x0A]).write(to: URL(fileURLWithPath: directory + "/entities.json"))
        var labelBytes: [UInt8] = []
        for label in simulation.labels() {
            CanonicalJSON.write(label.jsonValue, into: &labelBytes)
            labelBytes.append(0x0A)
            counts.labels += 1
        }
        try Data(labelBytes).write(to: URL(fileURLWithPath: directory + "/labels.ndjson"))
        let path = directory + "/events.ndjson"
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationErrorText("cannot write \(path)") }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 << 20)
        var progress = ProgressLine(total: nil)
        for event in simulation.events() {
            CanonicalJSON.write(event.jsonValue, into: &buffer)
            buffer.append(0x0A)
            counts.events += 1
            if buffer.count > 4 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
                if showProgress { progress.update(counts.events) }
            }
        }
        try handle.write(contentsOf: buffer)
        if showProgress { _ = progress.finish(counts.events) }
        return counts
    }
}
