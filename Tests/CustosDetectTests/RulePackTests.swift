import CustosCore
import CustosDetect
import Foundation
import Testing

/// The built-in rule pack (rules/ at the repository root): every rule fires on a hand-made positive sequence and
/// stays quiet on a look-alike negative one.
@Suite("Built-in rule pack")
struct RulePackTests {
    static let bulkExport = "6f1c2a10-0b8e-4c1a-9a51-000000000002"
    static let fishing = "6f1c2a10-0b8e-4c1a-9a51-000000000011"
    static let enumeration = "6f1c2a10-0b8e-4c1a-9a51-000000000020"
    static let broadQuery = "6f1c2a10-0b8e-4c1a-9a51-000000000030"
    static let probing = "6f1c2a10-0b8e-4c1a-9a51-000000000041"
    static let probingSuccess = "6f1c2a10-0b8e-4c1a-9a51-000000000042"
    static let missingPurpose = "6f1c2a10-0b8e-4c1a-9a51-000000000051"
    static let watchList = "6f1c2a10-0b8e-4c1a-9a51-000000000060"
    static let selfLookup = "6f1c2a10-0b8e-4c1a-9a51-000000000070"
    static let unassignedCase = "6f1c2a10-0b8e-4c1a-9a51-000000000080"
    static let inactiveAccount = "6f1c2a10-0b8e-4c1a-9a51-000000000090"
    static let newDevice = "6f1c2a10-0b8e-4c1a-9a51-0000000000a0"
    static let sameSurname = "6f1c2a10-0b8e-4c1a-9a51-0000000000b0"
    static let offHours = "6f1c2a10-0b8e-4c1a-9a51-0000000000c0"
    static let witnessRefusal = "6f1c2a10-0b8e-4c1a-9a51-0000000000d0"
    static let verificationFailed = "6f1c2a10-0b8e-4c1a-9a51-0000000000e0"

    /// The rule files of rules/, as path → text.
    static func packFiles() throws -> [String: String] {
        let directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules")
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path)
        where RuleDirectoryFiles.isSigmaFile(name) {
            files[name] = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        return files
    }

    static let pack: RuleSet = RuleSet(files: (try? packFiles()) ?? [:])
    static let reference = ReferenceEnrichment(entities: ReferenceEnrichmentTests.entities)

    /// 2026-10-12T18:00:00Z: 11:00 in Denver (UTC−7).
    static let noon: Int64 = 1_791_828_000_000

    /// An event `seconds` after ``noon``.
    static func event(
        _ seconds: Int64,
        actor: String = "officer-0001",
        roles: [String] = ["officer"],
        device: String = "WS-DEN-0001",
        action: String = "view",
        person: Int? = nil,
        dataset: String? = nil,
        query: String? = nil,
        rows: Int64? = nil,
        caseID: String? = "C-2026-0001",
        reason: String? = nil,
        outcome: Outcome = .success
    ) -> AccessEvent {
        let resource: Resource? =
            person.map { Resource(type: "record", id: "persons/\($0)", dataset: "persons", labels: ["pii"]) }
            ?? dataset.map { Resource(type: "table", id: $0, dataset: $0, labels: ["pii"]) }
        return AccessEvent(
            id: "e-\(actor)-\(seconds)",
            time: Timestamp(millisecondsSinceEpoch: noon + seconds * 1000),
            actor: Actor(id: actor, roles: roles, org: "fo/denver", session: "s-1", ip: "10.23.1.2", device: device),
            action: action,
            resource: resource,
            subjects: person.map { ["person:\($0)"] } ?? [],
            query: query,
            rows: rows,
            purpose: caseID == nil && reason == nil ? nil : Purpose(caseID: caseID, reason: reason),
            outcome: outcome,
            app: "records"
        )
    }

    /// The ids of the rules that produce findings over the events (with enrichment), end of stream included.
    static func fired(_ events: [AccessEvent]) throws -> Set<String> {
        var engine = try DetectionEngine(ruleSet: pack)
        var rules = Set<String>()
        for (i, event) in events.enumerated() {
            let fields = event.jsonValue.objectValue ?? JSONObject()
            let enrichment = reference.enrichment(for: fields, time: event.time)
            for finding in engine.process(DetectionEvent(event: event, seq: Int64(i), enrichment: enrichment)) {
                rules.insert(finding.rule)
            }
        }
        for finding in engine.finish() { rules.insert(finding.rule) }
        return rules
    }

    @Test("every rule file loads, with title, id, description, level and false positives")
    func packLoads() throws {
        #expect(Self.pack.errors.map(\.description) == [])
        #expect(Self.pack.rules.count == 14)
        #expect(Self.pack.correlations.count == 6)
        let metadata = Self.pack.rules.map(\.metadata) + Self.pack.correlations.map(\.metadata)
        for rule in metadata {
            #expect(rule.id != nil, "\(rule.title)")
            #expect(rule.description?.isEmpty == false, "\(rule.title)")
            #expect(rule.level != nil, "\(rule.title)")
            #expect(!rule.falsePositives.isEmpty, "\(rule.title)")
        }
    }

    @Test("bulk export: 10,000 rows in an hour, summed over exports")
    func bulkExport() throws {
        let split = [
            Self.event(0, action: "export", dataset: "persons", rows: 6000),
            Self.event(1800, action: "export", dataset: "persons", rows: 6000),
        ]
        #expect(try Self.fired(split).contains(Self.bulkExport))
        let spread = [
            Self.event(0, action: "export", dataset: "persons", rows: 6000),
            Self.event(7200, action: "export", dataset: "persons", rows: 6000),
        ]
        #expect(try !Self.fired(spread).contains(Self.bulkExport))
        let service = [
            Self.event(
                0,
                actor: "svc-records-sync",
                roles: ["service"],
                action: "export",
                dataset: "persons",
                rows: 50_000,
                caseID: nil,
                reason: "scheduled export JOB-1"
            )
        ]
        #expect(try !Self.fired(service).contains(Self.bulkExport))
    }

    @Test("fishing: 20 distinct people in 30 minutes")
    func fishing() throws {
        let many = (0..<20).map { Self.event(Int64($0) * 60, person: 100 + $0) }
        let fired = try Self.fired(many)
        #expect(fired.contains(Self.fishing))
        #expect(!fired.contains(Self.enumeration))
        let few = (0..<19).map { Self.event(Int64($0) * 60, person: 100 + $0) }
        #expect(try !Self.fired(few).contains(Self.fishing))
        let repeated = (0..<40).map { Self.event(Int64($0) * 30, person: 100 + $0 % 5) }
        #expect(try !Self.fired(repeated).contains(Self.fishing))
    }

    @Test("enumeration: 30 distinct records in 5 minutes")
    func enumeration() throws {
        let fast = (0..<30).map { Self.event(Int64($0) * 5, person: 800 + $0) }
        #expect(try Self.fired(fast).contains(Self.enumeration))
        let slower = (0..<30).map { Self.event(Int64($0) * 15, person: 800 + $0) }
        #expect(try !Self.fired(slower).contains(Self.enumeration))
    }

    @Test("broad query: wildcards or 1,000 rows")
    func broadQuery() throws {
        for (query, rows) in [
            ("surname LIKE '%'", Int64(900)), ("*", 900), ("SELECT * FROM persons", 900),
            ("state = 'NY'", 5000),
        ] {
            let search = [Self.event(0, action: "search", dataset: "persons", query: query, rows: rows)]
            #expect(try Self.fired(search).contains(Self.broadQuery), "\(query)")
        }
        let narrow = [
            Self.event(0, action: "search", dataset: "persons", query: "surname = 'Garcia'", rows: 3),
            Self.event(60, action: "search", dataset: "persons", query: "SELECT * FROM persons WHERE id = 3", rows: 1),
            Self.event(120, action: "search", dataset: "persons", query: "surname LIKE 'Gar%'", rows: 40),
            Self.event(
                180,
                actor: "svc-dmv-batch",
                roles: ["service"],
                action: "search",
                dataset: "vehicles",
                query: "plate IN (:hotlist)",
                rows: 5000
            ),
        ]
        #expect(try !Self.fired(narrow).contains(Self.broadQuery))
    }

    @Test("probing: three denials of one record in 15 minutes, then a successful view of it")
    func probing() throws {
        let probe = [
            Self.event(0, person: 77, outcome: .denied), Self.event(60, person: 77, outcome: .denied),
            Self.event(120, person: 77, outcome: .denied), Self.event(180, person: 77),
        ]
        let fired = try Self.fired(probe)
        #expect(fired.contains(Self.probing))
        #expect(fired.contains(Self.probingSuccess))
        let refused = Array(probe.prefix(3))
        #expect(try Self.fired(refused).contains(Self.probing))
        #expect(try !Self.fired(refused).contains(Self.probingSuccess))
        let otherRecord = Array(probe.prefix(3)) + [Self.event(180, person: 78)]
        #expect(try !Self.fired(otherRecord).contains(Self.probingSuccess))
        let mistakes = [
            Self.event(0, person: 77, outcome: .denied), Self.event(60, person: 78, outcome: .denied),
            Self.event(120, person: 79, outcome: .denied), Self.event(1800, person: 77, outcome: .denied),
        ]
        #expect(try !Self.fired(mistakes).contains(Self.probing))
    }

    @Test("missing purpose: three accesses without case or reason in an hour")
    func missingPurpose() throws {
        let none = (0..<3).map { Self.event(Int64($0) * 60, person: 300 + $0, caseID: nil) }
        #expect(try Self.fired(none).contains(Self.missingPurpose))
        let clerk = (0..<3).map {
            Self.event(Int64($0) * 60, roles: ["records-clerk"], person: 300 + $0, caseID: nil, reason: "RR-1")
        }
        #expect(try !Self.fired(clerk).contains(Self.missingPurpose))
        let two = (0..<2).map { Self.event(Int64($0) * 60, person: 300 + $0, caseID: nil) }
        #expect(try !Self.fired(two).contains(Self.missingPurpose))
    }

    @Test("watch list: any access to a watch-listed person")
    func watchList() throws {
        #expect(try Self.fired([Self.event(0, person: 7)]).contains(Self.watchList))
        #expect(try !Self.fired([Self.event(0, person: 1)]).contains(Self.watchList))
    }

    @Test("self look-up: the actor's own person record")
    func selfLookup() throws {
        #expect(try Self.fired([Self.event(0, person: 900)]).contains(Self.selfLookup))
        #expect(try !Self.fired([Self.event(0, person: 1)]).contains(Self.selfLookup))
    }

    @Test("unassigned case: citing a case not assigned, supervisors exempt, former cases before a role change")
    func unassignedCase() throws {
        #expect(try Self.fired([Self.event(0, person: 3, caseID: "C-2026-0002")]).contains(Self.unassignedCase))
        #expect(try !Self.fired([Self.event(0, person: 1)]).contains(Self.unassignedCase))
        let supervisor = Self.event(
            0,
            actor: "supervisor-0001",
            roles: ["supervisor"],
            person: 3,
            caseID: "C-2026-0002"
        )
        #expect(try !Self.fired([supervisor]).contains(Self.unassignedCase))
        // officer-0003 moved to records clerk on 2026-10-10 (Denver): C-2026-0002 was theirs before.
        let before = Self.event(-4 * 86_400, actor: "officer-0003", person: 3, caseID: "C-2026-0002")
        #expect(try !Self.fired([before]).contains(Self.unassignedCase))
        let after = Self.event(0, actor: "officer-0003", roles: ["records-clerk"], person: 3, caseID: "C-2026-0002")
        #expect(try Self.fired([after]).contains(Self.unassignedCase))
    }

    @Test("inactive account: activity after the termination date")
    func inactiveAccount() throws {
        #expect(try Self.fired([Self.event(0, actor: "officer-0002", person: 1)]).contains(Self.inactiveAccount))
        let before = Self.event(-4 * 86_400, actor: "officer-0002", person: 1)
        #expect(try !Self.fired([before]).contains(Self.inactiveAccount))
    }

    @Test("new device: login from a device not registered to the user")
    func newDevice() throws {
        let unknown = Self.event(0, device: "PC-ff1436", action: "login", caseID: nil)
        #expect(try Self.fired([unknown]).contains(Self.newDevice))
        let known = Self.event(0, action: "login", caseID: nil)
        #expect(try !Self.fired([known]).contains(Self.newDevice))
    }

    @Test("same surname: a namesake outside one's cases, not one inside")
    func sameSurname() throws {
        #expect(try Self.fired([Self.event(0, person: 5)]).contains(Self.sameSurname))
        #expect(try !Self.fired([Self.event(0, person: 2)]).contains(Self.sameSurname))
    }

    @Test("off hours: a day-shift login before 06:00 local")
    func offHours() throws {
        // 09:30Z is 02:30 in Denver; 15:00Z is 08:00.
        let night = Self.event(-8 * 3600 - 1800, action: "login", caseID: nil)
        #expect(try Self.fired([night]).contains(Self.offHours))
        let morning = Self.event(-3 * 3600, action: "login", caseID: nil)
        #expect(try !Self.fired([morning]).contains(Self.offHours))
        let nightShift = Self.event(-8 * 3600 - 1800, actor: "officer-0004", action: "login", caseID: nil)
        #expect(try !Self.fired([nightShift]).contains(Self.offHours))
    }

    /// A `custos.*` event as the server records it: actor custos, app custos.
    static func custosEvent(_ action: String, outcome: Outcome, attributes: JSONObject) -> AccessEvent {
        AccessEvent(
            id: "e-\(action)-\(outcome)",
            time: Timestamp(millisecondsSinceEpoch: noon),
            actor: Actor(id: "custos", session: "test"),
            action: action,
            resource: Resource(type: "custos.checkpoint", id: "checkpoints/12"),
            outcome: outcome,
            app: "custos",
            attributes: attributes
        )
    }

    @Test("witness refusal: a custos.witness failure fires, a success does not")
    func witnessRefusal() throws {
        let attributes = JSONObject([
            ("witness", .string("w1")), ("result", .string("refused")), ("status", .integer(409)),
            ("reason", .string("inconsistent")),
        ])
        #expect(
            try Self.fired([Self.custosEvent("custos.witness", outcome: .failure, attributes: attributes)])
                .contains(Self.witnessRefusal)
        )
        #expect(
            try !Self.fired([Self.custosEvent("custos.witness", outcome: .success, attributes: attributes)])
                .contains(Self.witnessRefusal)
        )
        #expect(
            try !Self.fired([Self.custosEvent("custos.verify", outcome: .failure, attributes: attributes)])
                .contains(Self.witnessRefusal)
        )
    }

    @Test("verification failed: a custos.verify failure fires, a success does not")
    func verificationFailed() throws {
        let attributes = JSONObject([("tree_size", .integer(600)), ("first_bad_seq", .integer(417))])
        #expect(
            try Self.fired([Self.custosEvent("custos.verify", outcome: .failure, attributes: attributes)])
                .contains(Self.verificationFailed)
        )
        #expect(
            try !Self.fired([Self.custosEvent("custos.verify", outcome: .success, attributes: attributes)])
                .contains(Self.verificationFailed)
        )
    }
}
