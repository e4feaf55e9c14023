import CustosCore
import CustosDetect
import CustosSimulation
import Testing

@Suite("Explanation-based auditing")
struct AccessExplanationTests {
    static let entities: JSONValue = {
        func ref(_ type: String, _ id: String) -> String { #"{"__entity": {"type": "\#(type)", "id": "\#(id)"}}"# }
        let denver = ref("Custos::OrgUnit", "fo/denver")
        let seattle = ref("Custos::OrgUnit", "fo/seattle")
        func user(_ id: String, _ role: String, _ org: String, extra: String = "") -> String {
            """
            {"uid": {"type": "Custos::User", "id": "\(id)"},
             "attrs": {"role": "\(role)", "org": \(org), "kind": "\(role == "service" ? "service" : "human")"\(extra)},
             "parents": []}
            """
        }
        let text = """
            [{"uid": {"type": "Custos::OrgUnit", "id": "fo/denver"}, "attrs": {"utc_offset_minutes": -420}, "parents": []},
             \(user("officer-0001", "officer", denver)),
             \(user("officer-0002", "officer", seattle)),
             \(user("officer-0003", "records-clerk", denver,
                    extra: #", "previous_role": "officer", "role_change_date": "2026-10-10""#)),
             \(user("supervisor-0001", "supervisor", denver)),
             \(user("supervisor-0002", "supervisor", seattle)),
             \(user("clerk-0001", "records-clerk", denver)),
             \(user("admin-0001", "it-admin", denver)),
             \(user("svc-sync", "service", denver)),
             {"uid": {"type": "Custos::Case", "id": "C-1"},
              "attrs": {"org": \(denver), "assigned": [\(ref("Custos::User", "officer-0001"))],
                        "formerly_assigned": [\(ref("Custos::User", "officer-0003"))],
                        "subjects": [\(ref("Custos::Person", "person:1")), \(ref("Custos::Person", "person:2"))]},
              "parents": [\(denver)]},
             {"uid": {"type": "Custos::Referral", "id": "R-1"},
              "attrs": {"to": \(ref("Custos::User", "officer-0002")), "case": \(ref("Custos::Case", "C-1")),
                        "subjects": [\(ref("Custos::Person", "person:9"))], "valid_from": "2026-10-01",
                        "valid_until": "2026-10-31"}, "parents": []}]
            """
        return (try? JSONParser().parse(text)) ?? .null
    }()

    static let explanation = AccessExplanation(entities: entities)

    static func reasons(
        _ actor: String,
        _ subjects: [String],
        reason: String? = nil,
        date: String = "2026-10-05"
    ) -> [AccessExplanation.Reason] {
        var fields = JSONObject([
            ("actor", .object(JSONObject([("id", .string(actor))]))),
            ("subjects", .array(subjects.map { .string($0) })), ("action", .string("view")),
        ])
        if let reason { fields["purpose"] = .object(JSONObject([("reason", .string(reason))])) }
        guard case .success(let time) = Timestamp.parse(date + "T18:00:00Z") else { return [] }
        return explanation.classify(fields, time: time).map(\.reason)
    }

    @Test("each way an access is explained, and the unexplained")
    func classification() {
        #expect(Self.reasons("officer-0001", ["person:1", "person:5"]) == [.assignment, .unexplained])
        #expect(Self.reasons("officer-0003", ["person:2"], date: "2026-10-09") == [.formerAssignment])
        #expect(Self.reasons("officer-0003", ["person:2"], date: "2026-10-10") == [.unexplained])
        #expect(Self.reasons("officer-0002", ["person:1", "person:9"]) == [.referral, .referral])
        #expect(Self.reasons("officer-0002", ["person:1"], date: "2026-11-01") == [.unexplained])
        #expect(Self.reasons("supervisor-0001", ["person:2"]) == [.supervision])
        #expect(Self.reasons("supervisor-0002", ["person:2"]) == [.unexplained])
        #expect(Self.reasons("clerk-0001", ["person:7"], reason: "records request RR-2026-00042") == [.recordsRequest])
        #expect(Self.reasons("clerk-0001", ["person:7"], reason: "curious") == [.unexplained])
        #expect(Self.reasons("admin-0001", ["person:7"], reason: "Support ticket INC-00012") == [.supportTicket])
        #expect(Self.reasons("svc-sync", ["person:7"], reason: "scheduled export JOB-1") == [.scheduledJob])
        #expect(Self.reasons("stranger", ["person:1"]) == [.unexplained])
        #expect(Self.reasons("officer-0001", []).isEmpty)
        #expect(
            Self.explanation.role(of: "officer-0003", at: Timestamp(millisecondsSinceEpoch: 1_791_000_000_000))
                == "officer"
        )
    }

    @Test("the classification is exposed as enrichment fields")
    func enrichment() {
        let reference = ReferenceEnrichment(entities: Self.entities)
        let time = Timestamp(millisecondsSinceEpoch: 1_791_200_000_000)
        func fields(_ subjects: [String]) -> JSONObject {
            JSONObject([
                ("actor", .object(JSONObject([("id", .string("officer-0001"))]))),
                ("subjects", .array(subjects.map { .string($0) })),
            ])
        }
        let explained = reference.enrichment(for: fields(["person:1"]), time: time)
        #expect(explained["subject_explained"] == .bool(true))
        #expect(explained["subject_explanation"] == .string("assignment"))
        let mixed = reference.enrichment(for: fields(["person:1", "person:8"]), time: time)
        #expect(mixed["subject_explained"] == .bool(false))
        #expect(mixed["subject_explanation"] == .string("unexplained"))
        #expect(reference.enrichment(for: fields([]), time: time)["subject_explained"] == nil)
    }

    @Test("the simulator's ordinary work is explained; its misuse mostly is not")
    func simulator() {
        let simulation = AgencySimulation(config: SimulationConfig(officers: 20, days: 16, seed: 11))
        let explanation = AccessExplanation(entities: simulation.referenceEntities())
        var labelled: Set<String> = []
        for label in simulation.labels() where !label.benign { labelled.formUnion(label.eventIDs) }
        var ordinary = (total: 0, explained: 0)
        var misuse = (total: 0, explained: 0)
        for event in simulation.events() {
            let classified = explanation.classify(event.jsonValue.objectValue ?? JSONObject(), time: event.time)
            let isMisuse = event.id.map(labelled.contains) ?? false
            for item in classified {
                if isMisuse {
                    misuse.total += 1
                    if item.reason.isExplained { misuse.explained += 1 }
                } else {
                    ordinary.total += 1
                    if item.reason.isExplained { ordinary.explained += 1 }
                }
            }
        }
        #expect(ordinary.total > 1_000)
        #expect(Double(ordinary.explained) / Double(ordinary.total) > 0.97, "\(ordinary)")
        #expect(misuse.total > 20)
        #expect(Double(misuse.explained) / Double(misuse.total) < 0.5, "\(misuse)")
    }
}
