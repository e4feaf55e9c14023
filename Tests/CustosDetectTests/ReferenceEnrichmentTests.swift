import CustosCore
import CustosDetect
import Testing

@Suite("Reference enrichment")
struct ReferenceEnrichmentTests {
    /// A small directory in the simulator's Cedar entities form.
    static let entities: JSONValue = {
        func ref(_ type: String, _ id: String) -> String { #"{"__entity": {"type": "\#(type)", "id": "\#(id)"}}"# }
        let denver = ref("Custos::OrgUnit", "fo/denver")
        let text = """
            [
              {"uid": {"type": "Custos::OrgUnit", "id": "fo/denver"},
               "attrs": {"name": "Denver", "time_zone": "America/Denver", "utc_offset_minutes": -420}, "parents": []},
              {"uid": {"type": "Custos::WatchList", "id": "vip"}, "attrs": {"description": "VIPs", "size": 1}, "parents": []},
              {"uid": {"type": "Custos::User", "id": "officer-0001"},
               "attrs": {"name": "Ana Garcia", "kind": "human", "role": "officer", "org": \(denver), "shift": "day",
                         "status": "active", "devices": ["WS-DEN-0001"], "ips": ["10.23.1.2"], "surname": "Garcia",
                         "given_name": "Ana", "person": \(ref("Custos::Person", "person:900"))}, "parents": []},
              {"uid": {"type": "Custos::User", "id": "officer-0002"},
               "attrs": {"name": "Bo Lee", "kind": "human", "role": "officer", "org": \(denver), "shift": "day",
                         "status": "terminated", "termination_date": "2026-10-09", "devices": ["WS-DEN-0002"],
                         "surname": "Lee"}, "parents": []},
              {"uid": {"type": "Custos::User", "id": "officer-0003"},
               "attrs": {"name": "Cy Park", "kind": "human", "role": "records-clerk", "previous_role": "officer",
                         "role_change_date": "2026-10-10", "org": \(denver), "shift": "day", "status": "active",
                         "devices": ["WS-DEN-0003"], "surname": "Park"}, "parents": []},
              {"uid": {"type": "Custos::User", "id": "officer-0004"},
               "attrs": {"name": "Di Moss", "kind": "human", "role": "officer", "org": \(denver), "shift": "night",
                         "status": "active", "devices": ["WS-DEN-0001"], "surname": "Moss"}, "parents": []},
              {"uid": {"type": "Custos::Case", "id": "C-2026-0001"},
               "attrs": {"assigned": [\(ref("Custos::User", "officer-0001"))], "formerly_assigned": [],
                         "subjects": [\(ref("Custos::Person", "person:1")), \(ref("Custos::Person", "person:2"))]},
               "parents": []},
              {"uid": {"type": "Custos::Case", "id": "C-2026-0002"},
               "attrs": {"assigned": [], "formerly_assigned": [\(ref("Custos::User", "officer-0003"))],
                         "subjects": [\(ref("Custos::Person", "person:3"))]}, "parents": []},
              {"uid": {"type": "Custos::Person", "id": "person:1"}, "attrs": {"surname": "Lee"}, "parents": []},
              {"uid": {"type": "Custos::Person", "id": "person:2"}, "attrs": {"surname": "Garcia"}, "parents": []},
              {"uid": {"type": "Custos::Person", "id": "person:3"}, "attrs": {"surname": "Ito"}, "parents": []},
              {"uid": {"type": "Custos::Person", "id": "person:5"}, "attrs": {"surname": "GARCIA"}, "parents": []},
              {"uid": {"type": "Custos::Person", "id": "person:7"}, "attrs": {"surname": "Star"},
               "parents": [{"type": "Custos::WatchList", "id": "vip"}]},
              {"uid": {"type": "Custos::Person", "id": "person:900"}, "attrs": {"surname": "Garcia"},
               "parents": [{"type": "Custos::WatchList", "id": "colleagues"}]}
            ]
            """
        return (try? JSONParser().parse(text)) ?? .null
    }()

    static let reference = ReferenceEnrichment(entities: entities)

    static func enrich(_ event: AccessEvent) -> JSONObject {
        reference.enrichment(for: event.jsonValue.objectValue ?? JSONObject(), time: event.time)
    }

    @Test("the fixture parses")
    func fixture() {
        #expect(Self.entities.arrayValue?.count == 14)
    }

    @Test("a subject of an assigned case, cited case assigned, active, on a known device at 11:00 local")
    func assignedWork() {
        let e = Self.enrich(RulePackTests.event(0, person: 1))
        #expect(e["actor_known"] == .bool(true))
        #expect(e["actor_status"] == .string("active"))
        #expect(e["actor_shift"] == .string("day"))
        #expect(e["local_hour"] == .integer(11))
        #expect(e["actor_device_known"] == .bool(true))
        #expect(e["case_assigned"] == .bool(true))
        #expect(e["subject_in_assigned_case"] == .bool(true))
        #expect(e["subject_watchlisted"] == .bool(false))
        #expect(e["subject_is_actor"] == .bool(false))
        #expect(e["subject_shares_actor_surname"] == .bool(false))
    }

    @Test("watch lists, own record, namesakes (case-insensitive), unassigned cases")
    func subjects() {
        #expect(Self.enrich(RulePackTests.event(0, person: 7))["subject_watchlisted"] == .bool(true))
        let own = Self.enrich(RulePackTests.event(0, person: 900))
        #expect(own["subject_is_actor"] == .bool(true))
        #expect(own["subject_watchlisted"] == .bool(true))
        let namesake = Self.enrich(RulePackTests.event(0, person: 5))
        #expect(namesake["subject_shares_actor_surname"] == .bool(true))
        #expect(namesake["subject_in_assigned_case"] == .bool(false))
        let inCase = Self.enrich(RulePackTests.event(0, person: 2))
        #expect(inCase["subject_shares_actor_surname"] == .bool(true))
        #expect(inCase["subject_in_assigned_case"] == .bool(true))
        #expect(Self.enrich(RulePackTests.event(0, person: 3, caseID: "C-2026-0002"))["case_assigned"] == .bool(false))
    }

    @Test("fields that do not apply are left out")
    func absent() {
        let login = Self.enrich(RulePackTests.event(0, action: "login", caseID: nil))
        #expect(login["case_assigned"] == nil)
        #expect(login["subject_watchlisted"] == nil)
        let stranger = Self.enrich(RulePackTests.event(0, actor: "someone-else", person: 1))
        #expect(stranger["actor_known"] == .bool(false))
        #expect(stranger["actor_status"] == nil)
        #expect(stranger["subject_in_assigned_case"] == .bool(false))
    }

    @Test("status takes effect at local midnight of its date")
    func status() {
        // 2026-10-09T06:59Z is 23:59 on 10-08 in Denver; 07:00Z is midnight of 10-09.
        let day: Int64 = 86_400
        let beforeMidnight = RulePackTests.event(-3 * day - 11 * 3600 - 60, actor: "officer-0002")
        let atMidnight = RulePackTests.event(-3 * day - 11 * 3600, actor: "officer-0002")
        #expect(Self.enrich(beforeMidnight)["actor_status"] == .string("active"))
        #expect(Self.enrich(atMidnight)["actor_status"] == .string("terminated"))
    }

    @Test("former cases count as assigned before a role change, not after")
    func roleChange() {
        let day: Int64 = 86_400
        let before = RulePackTests.event(-3 * day, actor: "officer-0003", person: 3, caseID: "C-2026-0002")
        let after = RulePackTests.event(0, actor: "officer-0003", person: 3, caseID: "C-2026-0002")
        #expect(Self.enrich(before)["case_assigned"] == .bool(true))
        #expect(Self.enrich(before)["subject_in_assigned_case"] == .bool(true))
        #expect(Self.enrich(after)["case_assigned"] == .bool(false))
    }
}
