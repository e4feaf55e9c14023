import CustosCore
import CustosSimulation
import Testing

/// The labels must be a faithful ground truth: what a label claims is visible in the events and entities, and the
/// signals misuse is named for do not also occur, unlabelled, in ordinary work.
@Suite("Ground truth consistency")
struct GroundTruthConsistencyTests {
    static let users: [String: JSONObject] = {
        var out: [String: JSONObject] = [:]
        for (type, id, attrs, _) in ReferenceEntitiesTests.entities() where type == "Custos::User" { out[id] = attrs }
        return out
    }()

    static let watchListed: Set<String> = Set(
        ReferenceEntitiesTests.entities().filter { $0.0 == "Custos::Person" && !$0.3.isEmpty }.map(\.1)
    )

    static let labelledIDs: [String: ScenarioKind] = {
        var out: [String: ScenarioKind] = [:]
        for label in SharedRun.labels { for id in label.eventIDs { out[id] = label.scenario } }
        return out
    }()

    static func day(_ attrs: JSONObject?, _ key: String) -> Timestamp? {
        guard let text = attrs?[key]?.stringValue, case .success(let t) = Timestamp.parse(text + "T00:00:00Z")
        else { return nil }
        return t
    }

    static let utcOffsetMinutes: [String: Int64] = {
        var offsets: [String: Int64] = [:]
        for (type, id, attrs, _) in ReferenceEntitiesTests.entities() where type == "Custos::OrgUnit" {
            if case .integer(let minutes)? = attrs["utc_offset_minutes"] { offsets[id] = minutes }
        }
        return offsets
    }()

    @Test("events after local midnight of a disabled or termination date are all labelled after_termination")
    func afterTerminationOnlyWhenLabelled() {
        var checked = 0
        for event in SharedRun.events {
            let attrs = Self.users[event.actor.id]
            guard let date = Self.day(attrs, "termination_date") ?? Self.day(attrs, "disabled_date") else { continue }
            let offset = Self.utcOffsetMinutes[event.actor.org ?? ""] ?? 0
            guard event.time.millisecondsSinceEpoch >= date.millisecondsSinceEpoch - offset * 60_000 else { continue }
            checked += 1
            #expect(Self.labelledIDs[event.id ?? ""] == .afterTermination)
        }
        #expect(checked > 0)
    }

    @Test("dormant accounts act only in their labelled session, months after their last activity")
    func dormantAccounts() {
        let dormantLabels = SharedRun.labels.filter { $0.scenario == .dormantAccount }
        #expect(!dormantLabels.isEmpty)
        for label in dormantLabels {
            let last = Self.day(Self.users[label.actor], "last_activity")
            #expect(
                last.map { SharedRun.config.start.millisecondsSinceEpoch - $0.millisecondsSinceEpoch } ?? 0
                    >= 89 * 86_400_000
            )
            let own = SharedRun.events.filter { $0.actor.id == label.actor }
            #expect(own.allSatisfy { Self.labelledIDs[$0.id ?? ""] == .dormantAccount })
        }
    }

    @Test("a device missing from the user's devices appears only in new_device sessions")
    func newDevicesOnlyWhenLabelled() {
        var unseen = 0
        for event in SharedRun.events {
            let devices = Self.users[event.actor.id]?["devices"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard let device = event.actor.device, !devices.contains(device) else { continue }
            unseen += 1
            #expect(Self.labelledIDs[event.id ?? ""] == .newDevice)
        }
        #expect(unseen > 0)
    }

    @Test("watch-listed persons are touched only inside labelled scenarios")
    func watchListedOnlyWhenLabelled() {
        let allowed: Set<ScenarioKind> = [.watchListLookup, .selfLookup, .probing, .sequentialEnumeration]
        for event in SharedRun.events where event.subjects.contains(where: Self.watchListed.contains) {
            let kind = Self.labelledIDs[event.id ?? ""]
            #expect(kind.map(allowed.contains) == true, "unlabelled access to a watch-listed person: \(event.id ?? "")")
        }
    }

    @Test("self lookups view the actor's own person record; role changes cite former cases")
    func labelFacts() throws {
        var byID: [String: AccessEvent] = [:]
        for event in SharedRun.events { byID[event.id ?? ""] = event }
        for label in SharedRun.labels where label.scenario == .selfLookup {
            let person = Self.users[label.actor]?["person"]?.objectValue?["__entity"]?.objectValue?["id"]
            let subjects = Set(label.eventIDs.compactMap { byID[$0] }.flatMap(\.subjects))
            #expect(person?.stringValue.map(subjects.contains) == true)
        }
        let roleChange = try #require(SharedRun.labels.first { $0.scenario == .afterRoleChange })
        let attrs = Self.users[roleChange.actor]
        #expect(attrs?["previous_role"] == .string("officer"))
        let changed = try #require(Self.day(attrs, "role_change_date"))
        #expect(roleChange.start >= changed)
        for label in SharedRun.labels where label.scenario == .sequentialEnumeration {
            let ids = label.eventIDs.compactMap { byID[$0]?.resource?.id }.compactMap { Int($0.dropFirst(8)) }
            #expect(ids.count >= 30)
            #expect(zip(ids, ids.dropFirst()).allSatisfy { $1 == $0 + 1 })
        }
    }

    @Test("off-hours sessions happen in the middle of the actor's local night")
    func offHoursAreAtNight() {
        let offsets = Self.utcOffsetMinutes
        var byID: [String: AccessEvent] = [:]
        for event in SharedRun.events { byID[event.id ?? ""] = event }
        for label in SharedRun.labels where label.scenario == .offHours {
            for event in label.eventIDs.compactMap({ byID[$0] }) {
                let local = event.time.millisecondsSinceEpoch + (offsets[event.actor.org ?? ""] ?? 0) * 60_000
                let hour = (local % 86_400_000) / 3_600_000
                #expect((1..<7).contains(hour))
            }
        }
    }
}
