import ArgumentParser
import CustosCore
import CustosPolicy
import Foundation

extension BenchCommand {
    /// `custos bench policy`: decision latency at several policy-set sizes over a large entity graph, beside
    /// cedarpy on the same files in the same run.
    struct PolicyDecisions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "Cedar decision latency (p50/p99) at 5, 100 and 1,000 policies over 10,000 entities, vs cedarpy.",
            discussion: """
                Generates an agency (a 4-level group hierarchy Org > Division > Unit > Team, users in teams and \
                roles, datasets > cases > records) and policy sets scoped the way agencies write them, decides \
                every request one at a time and reports the latency percentiles. The same files are then given to \
                scripts/bench_cedarpy.py (cedarpy.is_authorized on a pre-parsed PolicySet and Entities), unless \
                --no-cedarpy; the allowed counts must match.
                """
        )

        @Option(help: "Entities to generate (about).") var entities: Int = 10_000
        @Option(help: "Requests to decide at each size.") var requests: Int = 10_000
        @Option(help: "Policy-set sizes, comma-separated.") var policies: String = "5,100,1000"
        @Option(help: "Write the generated files here (default: a temporary directory, removed).") var out: String?
        @Option(help: "The cedarpy timing script.") var script: String = "scripts/bench_cedarpy.py"
        @Option(help: "The Python interpreter with cedarpy.") var python: String = "python3"
        @Flag(help: "Do not run cedarpy.") var noCedarpy = false
        @Option(help: "The generator's seed.") var seed: UInt64 = 7

        func run() async throws {
            let sizes = policies.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else {
                throw ValidationErrorText("--policies: a comma-separated list of positive numbers")
            }
            let dir = try out ?? BenchCommand.temporaryDirectory("policy")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { if out == nil { try? FileManager.default.removeItem(atPath: dir) } }
            var generator = PolicyBenchAgency(entities: entities, seed: seed)
            let entityJSON = generator.entitiesJSON()
            let requestJSON = (0..<requests).map { _ in generator.request() }
            try Data(CanonicalJSON.encode(entityJSON)).write(to: URL(fileURLWithPath: dir + "/entities.json"))
            var lines: [UInt8] = []
            for r in requestJSON {
                CanonicalJSON.write(r, into: &lines)
                lines.append(0x0A)
            }
            try Data(lines).write(to: URL(fileURLWithPath: dir + "/requests.ndjson"))
            let store = try CedarJSON.entities(entityJSON)
            let parsedRequests = try requestJSON.map { try CedarJSON.request($0) }
            printError("\(entityJSON.arrayValue?.count ?? 0) entities, \(requests) requests in \(dir)")

            var ours: [Int: (p50: Double, p99: Double, allowed: Int)] = [:]
            for size in sizes {
                let text = generator.policies(size)
                try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/policies-\(size).cedar"))
                let set = try PolicySet(parsing: text)
                let index = PolicyIndex(set)
                let authorizer = Authorizer()
                for r in parsedRequests.prefix(200) { _ = authorizer.isAuthorized(r, index: index, entities: store) }
                var latencies: [Double] = []
                latencies.reserveCapacity(parsedRequests.count)
                var allowed = 0
                for r in parsedRequests {
                    let start = ContinuousClock.now
                    let answer = authorizer.isAuthorized(r, index: index, entities: store)
                    latencies.append(BenchCommand.seconds(ContinuousClock.now - start) * 1e6)
                    if answer.decision == .allow { allowed += 1 }
                }
                latencies.sort()
                func q(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
                ours[size] = (q(0.5), q(0.99), allowed)
            }

            var theirs: [Int: (p50: Double, p99: Double, allowed: Int)] = [:]
            if !noCedarpy {
                theirs = try runCedarpy(dir: dir, sizes: sizes)
            }
            for size in sizes {
                guard let o = ours[size] else { continue }
                var line = String(
                    format: "%5ld policies: custos p50 %.2f µs, p99 %.2f µs (%ld allowed)",
                    size,
                    o.p50,
                    o.p99,
                    o.allowed
                )
                var fields: [(String, JSONValue)] = [
                    ("policies", .integer(Int64(size))), ("entities", .integer(Int64(entities))),
                    ("requests", .integer(Int64(requests))), ("p50_us", .double(o.p50)), ("p99_us", .double(o.p99)),
                    ("allowed", .integer(Int64(o.allowed))),
                ]
                if let t = theirs[size] {
                    line += String(
                        format:
                            " | cedarpy p50 %.2f µs, p99 %.2f µs (%ld allowed) | cedarpy/custos p50 %.1fx, p99 %.1fx",
                        t.p50,
                        t.p99,
                        t.allowed,
                        t.p50 / o.p50,
                        t.p99 / o.p99
                    )
                    if t.allowed != o.allowed { line += "  DECISIONS DIFFER" }
                    fields += [
                        ("cedarpy_p50_us", .double(t.p50)), ("cedarpy_p99_us", .double(t.p99)),
                        ("cedarpy_allowed", .integer(Int64(t.allowed))),
                    ]
                }
                printFlushed(line)
                BenchCommand.report("policy", fields)
            }
        }

        private func runCedarpy(dir: String, sizes: [Int]) throws -> [Int: (p50: Double, p99: Double, allowed: Int)] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python, script, dir, "--policies", sizes.map(String.init).joined(separator: ",")]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw ValidationErrorText("\(script) failed (exit \(process.terminationStatus)); --no-cedarpy skips it")
            }
            var result: [Int: (p50: Double, p99: Double, allowed: Int)] = [:]
            for line in output.split(separator: 0x0A) {
                guard case .object(let o)? = try? JSONParser().parse(Array(line)),
                    case .integer(let n)? = o["policies"], case .integer(let allowed)? = o["allowed"]
                else { continue }
                func number(_ key: String) -> Double {
                    switch o[key] {
                    case .double(let d)?: d
                    case .integer(let i)?: Double(i)
                    default: 0
                    }
                }
                result[Int(n)] = (number("p50_us"), number("p99_us"), Int(allowed))
            }
            return result
        }
    }
}

/// The generated agency of `custos bench policy`: entities, scoped policies and requests, from a seed.
struct PolicyBenchAgency {
    private var random: SplitMix64
    let orgs: Int
    let divisions: Int
    let units: Int
    let teams: Int
    let users: Int
    let datasets: Int
    let cases: Int
    let records: Int

    init(entities: Int, seed: UInt64) {
        random = SplitMix64(seed: seed)
        let scale = max(1, entities / 1000)
        orgs = 2
        divisions = 2 * scale
        units = 5 * scale
        teams = 25 * scale
        datasets = 4 * scale
        cases = 60 * scale
        records = 200 * scale
        users = max(10, entities - orgs - divisions - units - teams - datasets - cases - records - 10)
    }

    private mutating func next() -> UInt64 { random.next() }

    private mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }

    static let actions = ["view", "print", "export", "edit", "delete"]

    private static func uid(_ type: String, _ id: String) -> JSONValue {
        .object(JSONObject([("type", .string(type)), ("id", .string(id))]))
    }

    private static func entity(
        _ type: String,
        _ id: String,
        _ attrs: [(String, JSONValue)] = [],
        _ parents: [JSONValue] = []
    ) -> JSONValue {
        .object(
            JSONObject([
                ("uid", uid(type, id)), ("attrs", .object(JSONObject(attrs))), ("parents", .array(parents)),
            ])
        )
    }

    /// The entities: Org > Division > Unit > Team groups, users (in one or two teams, some with a role),
    /// datasets in divisions, cases in datasets, records in cases, and the actions with their groups.
    mutating func entitiesJSON() -> JSONValue {
        var out: [JSONValue] = []
        let levels: [(String, Int)] = [("org", orgs), ("division", divisions), ("unit", units), ("team", teams)]
        for (depth, (name, count)) in levels.enumerated() {
            for i in 0..<count {
                let parents = depth == 0 ? [] : [Self.uid("Group", "\(levels[depth - 1].0)\(int(levels[depth - 1].1))")]
                out.append(Self.entity("Group", "\(name)\(i)", [("level", .integer(Int64(depth)))], parents))
            }
        }
        for role in ["analyst", "supervisor", "auditor"] { out.append(Self.entity("Role", role)) }
        out.append(Self.entity("Action", "read"))
        for action in Self.actions {
            out.append(
                Self.entity(
                    "Action",
                    action,
                    [],
                    action == "edit" || action == "delete" ? [] : [Self.uid("Action", "read")]
                )
            )
        }
        for i in 0..<users {
            var parents = [Self.uid("Group", "team\(int(teams))")]
            if int(4) == 0 { parents.append(Self.uid("Group", "team\(int(teams))")) }
            if int(5) == 0 { parents.append(Self.uid("Role", ["analyst", "supervisor", "auditor"][int(3)])) }
            out.append(
                Self.entity(
                    "User",
                    "u\(i)",
                    [("clearance", .integer(Int64(int(5)))), ("active", .bool(int(20) != 0))],
                    parents
                )
            )
        }
        for i in 0..<datasets {
            out.append(
                Self.entity(
                    "Dataset",
                    "d\(i)",
                    [("sensitivity", .integer(Int64(int(5))))],
                    [Self.uid("Group", "division\(int(divisions))")]
                )
            )
        }
        for i in 0..<cases {
            out.append(
                Self.entity(
                    "Case",
                    "c\(i)",
                    [
                        ("open", .bool(int(3) != 0)),
                        ("owner", .object(JSONObject([("__entity", Self.uid("User", "u\(int(users))"))]))),
                    ],
                    [Self.uid("Dataset", "d\(int(datasets))")]
                )
            )
        }
        for i in 0..<records {
            out.append(
                Self.entity(
                    "Record",
                    "r\(i)",
                    [("sensitivity", .integer(Int64(int(5)))), ("restricted", .bool(int(10) == 0))],
                    [Self.uid("Case", "c\(int(cases))")]
                )
            )
        }
        return .array(out)
    }

    /// `count` policies as agencies write them: almost all scoped to a group, user, case or dataset, a few broad.
    mutating func policies(_ count: Int) -> String {
        var text = ""
        let broad = [
            #"forbid (principal, action == Action::"export", resource is Record) unless { context has purpose };"#,
            #"forbid (principal, action, resource) when { principal has active && !principal.active };"#,
            #"permit (principal in Role::"auditor", action in Action::"read", resource);"#,
        ]
        for i in 0..<count {
            if i < min(3, count / 30 + 1) {
                text += broad[i] + "\n"
                continue
            }
            switch int(4) {
            case 0:
                text += """
                    permit (principal in Group::"team\(int(teams))", action in [Action::"view", Action::"print"], \
                    resource in Dataset::"d\(int(datasets))")
                    when { principal.clearance >= resource.sensitivity };

                    """
            case 1:
                text += """
                    permit (principal == User::"u\(int(users))", action == Action::"edit", resource in Case::"c\(int(cases))");

                    """
            case 2:
                text += """
                    permit (principal in Group::"unit\(int(units))", action in Action::"read", resource in Case::"c\(int(cases))")
                    when { context has purpose && resource.sensitivity <= principal.clearance };

                    """
            default:
                text += """
                    forbid (principal in Group::"division\(int(divisions))", action, resource is Record in Dataset::"d\(int(datasets))")
                    when { resource.restricted } unless { principal in Role::"supervisor" };

                    """
            }
        }
        return text
    }

    /// One request: a user acting on a record (mostly) or a case, with a purpose most of the time.
    mutating func request() -> JSONValue {
        let resource = int(5) == 0 ? Self.uid("Case", "c\(int(cases))") : Self.uid("Record", "r\(int(records))")
        var context: [(String, JSONValue)] = []
        if int(4) != 0 { context.append(("purpose", .string("case work"))) }
        return .object(
            JSONObject([
                ("principal", Self.uid("User", "u\(int(users))")),
                ("action", Self.uid("Action", Self.actions[int(Self.actions.count)])),
                ("resource", resource),
                ("context", .object(JSONObject(context))),
            ])
        )
    }
}
