import ArgumentParser
import CustosCore
import CustosDetect
import Foundation

/// `custos rules`: work with Sigma rule packs.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check and back-test Sigma rule packs (docs/rules.md).",
        subcommands: [RulesTestCommand.self, RulesBacktestCommand.self]
    )
}

/// `custos rules test`: runs a rule pack over an NDJSON event file and writes the findings as NDJSON.
struct RulesTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run a rule directory over NDJSON events and print the findings as NDJSON.",
        discussion: """
            Each finding is one line: {"rule","actor","time","severity","explanation","evidence":[event ids]}. \
            With --reference (Cedar entities JSON, as `custos simulate` writes), each event is enriched first \
            (enrichment.subject_watchlisted, enrichment.case_assigned, …). A baselines.yml in the rule directory \
            configures the behavioural baselines and a health.yml the health monitor (docs/rules.md), which run \
            with the Sigma rules. Rule-file errors \
            are printed as file:line:column: message and the command exits with status 2.
            """
    )

    @Option(name: .long, help: "The directory of rule files (*.yml, *.yaml).")
    var rules: String

    @Option(name: .long, help: "The NDJSON event file ('-' for standard input).")
    var events: String

    @Option(name: .long, help: "Reference data (Cedar entities JSON) for enrichment.")
    var reference: String?

    @Flag(name: .long, help: "Leave the correlation windows still open at the end unclosed, as a live server does.")
    var open = false

    @Option(name: .long, help: "Allowed lateness of correlation windows in seconds (default 60, as the server).")
    var latenessSeconds: Int64 = 60

    @Flag(name: .long, help: "Do not run the behavioural baselines (baselines.yml in the rule directory).")
    var noBaselines = false

    func run() async throws {
        let ruleSet = try RulePack.load(directory: rules)
        let baselines = noBaselines ? nil : try RulePack.loadBaselines(directory: rules)
        let health = try RulePack.loadHealth(directory: rules)
        let entities = try reference.map(RulePack.loadEntities)
        let findings = try RulePack.run(
            ruleSet,
            eventsPath: events,
            entities: entities,
            baselines: baselines,
            health: health,
            finish: !open,
            latenessMilliseconds: latenessSeconds * 1000
        )
        var out: [UInt8] = []
        for finding in findings {
            CanonicalJSON.write(finding.jsonValue, into: &out)
            out.append(0x0A)
            if out.count > 1 << 20 {
                FileHandle.standardOutput.write(Data(out))
                out.removeAll(keepingCapacity: true)
            }
        }
        FileHandle.standardOutput.write(Data(out))
    }
}

/// Loading and running rule packs, shared by `rules test` and `eval`.
enum RulePack {
    /// Loads every *.yml / *.yaml file of a directory; on any rule error prints them all and exits with status 2.
    static func load(directory: String) throws -> RuleSet {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter(RuleDirectoryFiles.isSigmaFile).sorted()
        } catch {
            throw ValidationErrorText("cannot read the rule directory \(directory)")
        }
        var files: [String: String] = [:]
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationErrorText("cannot read \(path)")
            }
            files[path] = String(decoding: data, as: UTF8.self)
        }
        let ruleSet = RuleSet(files: files)
        if !ruleSet.errors.isEmpty {
            for error in ruleSet.errors { printError(error.description) }
            throw ExitCode(2)
        }
        if ruleSet.rules.isEmpty { printError("warning: no rules in \(directory)") }
        return ruleSet
    }

    /// The file names in a rule directory that configure baselines rather than hold Sigma rules.
    static let baselineFileNames = BaselineConfiguration.fileNames

    /// Reads the directory's baselines.yml, nil when there is none; on an error prints it and exits with status 2.
    static func loadBaselines(directory: String) throws -> BaselineConfiguration? {
        for name in baselineFileNames.sorted() {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                return try BaselineConfiguration.parse(String(decoding: data, as: UTF8.self), file: path)
            } catch {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        return nil
    }

    /// Reads the directory's health.yml, nil when there is none; on an error prints it and exits with status 2.
    static func loadHealth(directory: String) throws -> HealthConfiguration? {
        for name in HealthConfiguration.fileNames.sorted() {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                return try HealthConfiguration.parse(String(decoding: data, as: UTF8.self), file: path)
            } catch {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        return nil
    }

    /// Reads a Cedar entities JSON file.
    static func loadEntities(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationErrorText("cannot read \(path)")
        }
        do {
            return try JSONParser().parse(Array(data))
        } catch {
            throw ValidationErrorText("\(path): not JSON: \(error)")
        }
    }

    /// Reads a Cedar entities JSON file into an enrichment index.
    static func loadReference(_ path: String) throws -> ReferenceEnrichment {
        ReferenceEnrichment(entities: try loadEntities(path))
    }

    /// Runs a rule set (and baselines and the health monitor, when configured) over an NDJSON event file (in its
    /// order) and returns every finding, `finish()` included. `entities` (Cedar entities JSON) enriches the events
    /// and gives the baselines their directory.
    static func run(
        _ ruleSet: RuleSet,
        eventsPath: String,
        entities: JSONValue?,
        baselines: BaselineConfiguration? = nil,
        baselineState: ((users: Int, bytes: Int)) -> Void = { _ in },
        health: HealthConfiguration? = nil,
        finish: Bool = true,
        latenessMilliseconds: Int64 = 60_000
    ) throws
        -> [ReportedFinding]
    {
        let reference = entities.map { ReferenceEnrichment(entities: $0) }
        var baselineDetector = baselines.map {
            BaselineDetector(configuration: $0, directory: entities.map(BaselineDirectory.init) ?? BaselineDirectory())
        }
        var healthMonitor = health.map { HealthMonitor(configuration: $0) }
        var engine: DetectionEngine
        do {
            engine = try DetectionEngine(
                ruleSet: ruleSet,
                configuration: CorrelationEngine.Configuration(allowedLatenessMilliseconds: latenessMilliseconds)
            )
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        var reported: [ReportedFinding] = []
        var reporter = FindingReporter()
        var position: Int64 = 0
        try NDJSONEventReader(path: eventsPath).readEach { read in
            let fields = read.fields
            let time = read.time
            let id = fields["id"]?.stringValue
            let actor = fields["actor"]?.objectValue?["id"]?.stringValue
            let event = DetectionEvent(
                fields: fields,
                time: time,
                seq: position,
                id: id,
                enrichment: reference?.enrichment(for: fields, time: time) ?? JSONObject()
            )
            reporter.observe(actor: actor, index: position)
            for finding in engine.process(event) { reported.append(reporter.report(finding, eventActor: actor)) }
            for finding in baselineDetector?.process(event) ?? [] {
                reported.append(reporter.report(finding, eventActor: actor))
            }
            for finding in healthMonitor?.process(event) ?? [] {
                reported.append(reporter.report(finding, eventActor: actor))
            }
            position += 1
        }
        if finish {
            for finding in engine.finish() { reported.append(reporter.report(finding, eventActor: nil)) }
        }
        if let baselineDetector { baselineState((baselineDetector.userCount, baselineDetector.stateBytes)) }
        return reported
    }
}
