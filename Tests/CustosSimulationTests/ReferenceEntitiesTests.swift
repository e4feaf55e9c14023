import CustosCore
import CustosSimulation
import Testing

@Suite("Reference entities")
struct ReferenceEntitiesTests {
    static let documentedTypes: Set<String> = [
        "Custos::User", "Custos::OrgUnit", "Custos::Role", "Custos::Case", "Custos::Person", "Custos::WatchList",
        "Custos::Dataset",
    ]

    /// Every entity as (type, id, attrs, parents).
    static func entities() -> [(String, String, JSONObject, [JSONValue])] {
        guard case .array(let list) = SharedRun.entities else { return [] }
        return list.compactMap { value in
            guard let o = value.objectValue, let uid = o["uid"]?.objectValue,
                let type = uid["type"]?.stringValue, let id = uid["id"]?.stringValue,
                let attrs = o["attrs"]?.objectValue, let parents = o["parents"]?.arrayValue
            else { return nil }
            return (type, id, attrs, parents)
        }
    }

    @Test("the entities are a Cedar entities array of the documented types")
    func shape() throws {
        guard case .array(let list) = SharedRun.entities else {
            Issue.record("not an array")
            return
        }
        let entities = Self.entities()
        #expect(entities.count == list.count)
        #expect(Set(entities.map(\.0)) == Self.documentedTypes)
        var uids = Set<String>()
        for (type, id, _, parents) in entities {
            #expect(uids.insert(type + "/" + id).inserted)
            for parent in parents {
                #expect(parent.objectValue?["type"]?.stringValue != nil && parent.objectValue?["id"] != nil)
            }
        }
        let officer = try #require(entities.first { $0.0 == "Custos::User" && $0.1 == "officer-0001" })
        for key in ["name", "surname", "role", "org", "shift", "status", "hire_date", "last_activity", "home_address"] {
            #expect(officer.2[key] != nil, "officer attribute \(key)")
        }
        let parentTypes = Set(officer.3.compactMap { $0.objectValue?["type"]?.stringValue })
        #expect(parentTypes == ["Custos::OrgUnit", "Custos::Role"])
        let statuses = Set(entities.filter { $0.0 == "Custos::User" }.compactMap { $0.2["status"]?.stringValue })
        #expect(statuses.isSuperset(of: ["active"]))
        #expect(statuses.count >= 2)
        let caseFile = try #require(entities.first { $0.0 == "Custos::Case" && $0.1 == "C-2026-0001" })
        #expect(caseFile.2["assigned"]?.arrayValue?.isEmpty == false)
        #expect(caseFile.2["subjects"]?.arrayValue?.isEmpty == false)
    }

    @Test("events refer to entities that exist")
    func eventsReferToEntities() {
        let entities = Self.entities()
        let users = Set(entities.filter { $0.0 == "Custos::User" }.map(\.1))
        let persons = Set(entities.filter { $0.0 == "Custos::Person" }.map(\.1))
        let cases = Set(entities.filter { $0.0 == "Custos::Case" }.map(\.1))
        let orgs = Set(entities.filter { $0.0 == "Custos::OrgUnit" }.map(\.1))
        for event in SharedRun.events {
            #expect(users.contains(event.actor.id))
            #expect(orgs.contains(event.actor.org ?? ""))
            for subject in event.subjects { #expect(persons.contains(subject)) }
            if let caseID = event.purpose?.caseID { #expect(cases.contains(caseID)) }
        }
    }
}
