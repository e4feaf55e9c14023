import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A server with detection: alerts built from the fixture pack over events by officer-0…2, and triage keys owned
/// by a supervisor and by officer-1 (a monitored user).
struct AlertTestServer {
    let api: CustosAPI
    let store: SQLiteStore
    let supervisorKey: String
    let officerKey: String
    let readKey: String

    init() async throws {
        let dir = try TemporaryDirectory()
        store = try SQLiteStore(directory: dir.path)
        api = CustosAPI(
            store: store,
            alerts: AlertAccess(store: store, pseudonymizer: DetectionFixtures.pseudonymizer)
        )
        _ = try await store.append([DetectionFixtures.events(24)], received: EventFixtures.baseTime)
        var configuration = DetectionService.Configuration(rulesDirectory: try DetectionFixtures.rulesDirectory())
        configuration.allowedLatenessMilliseconds = 0
        try await DetectionService(
            store: store,
            configuration: configuration,
            pseudonymizer: DetectionFixtures.pseudonymizer,
            reference: nil,
            signal: CommitSignal()
        ).processAvailable()
        supervisorKey = try await Self.key(store, "supervisor-1", [.triage])
        officerKey = try await Self.key(store, "officer-1", [.triage])
        readKey = try await Self.key(store, "reader", [.read])
    }

    static func key(_ store: SQLiteStore, _ owner: String, _ scopes: Set<APIScope>) async throws -> String {
        let k = APIKeyToken.issue(name: owner, owner: owner, scopes: scopes, now: CustosAPI.systemClock())
        try await store.insertKey(k.record)
        return k.token
    }

    var application: some ApplicationProtocol { Application(router: api.router()) }

    func alertID(of actor: String) async throws -> Int64 {
        try #require(try await store.alerts(AlertQuery()).alerts.first { $0.actor == actor }).id
    }

    func events(action: String) async throws -> [StoredEvent] {
        try await store.events(EventQuery(action: action, limit: 1000)).events
    }
}

@Suite("Alert API")
struct AlertAPITests {
    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test func listsArePseudonymisedFilteredAndRecorded() async throws {
        let server = try await AlertTestServer()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/v1/alerts", method: .get, headers: TestServer.headers(server.readKey)) {
                #expect($0.status == .forbidden)
                #expect($0.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/v1/alerts", method: .get, headers: TestServer.headers(server.supervisorKey))
            {
                r in
                #expect(r.status == .ok)
                let alerts = r.json.objectValue?["alerts"]?.arrayValue ?? []
                #expect(alerts.count == 3)
                let actors = alerts.compactMap { $0.objectValue?["actor"]?.stringValue }
                #expect(actors.allSatisfy { $0.hasPrefix("p-") })
                #expect(actors.contains(DetectionFixtures.pseudonymizer.pseudonym("officer-1")))
                #expect(!String(buffer: r.body).contains("officer-"))
            }
            try await client.execute(
                uri: "/v1/alerts?severity=medium&limit=1",
                method: .get,
                headers: TestServer.headers(server.supervisorKey)
            ) { r in
                #expect(r.status == .ok)
                let alerts = r.json.objectValue?["alerts"]?.arrayValue ?? []
                #expect(alerts.count == 1)
                #expect(alerts.first?.objectValue?["severity"]?.stringValue == "medium")
                #expect(r.json.objectValue?["next_cursor"]?.stringValue != nil)
            }
            try await client.execute(
                uri: "/v1/alerts?status=closed",
                method: .get,
                headers: TestServer.headers(server.supervisorKey)
            ) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue?["path"] == .string("status"))
            }
        }
        let reads = try await server.events(action: "custos.read")
        #expect(reads.count == 2)  // the two answered listings
        #expect(reads.allSatisfy { $0.event.resource?.id == "alerts" })
    }

    @Test func anAlertShowsFindingsEvidenceAndProofLinks() async throws {
        let server = try await AlertTestServer()
        let id = try await server.alertID(of: "officer-2")
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/alerts/\(id)",
                method: .get,
                headers: TestServer.headers(server.supervisorKey)
            ) { r in
                #expect(r.status == .ok)
                let findings = r.json.objectValue?["findings"]?.arrayValue ?? []
                #expect(!findings.isEmpty)
                let first = findings.first?.objectValue
                let evidence = first?["evidence_events"]?.arrayValue?.first?.objectValue
                let seq = evidence?["seq"]
                guard case .integer(let n)? = seq else {
                    Issue.record("no evidence seq")
                    return
                }
                #expect(evidence?["proof"]?.stringValue == "/v1/proofs/inclusion?seq=\(n)")
                #expect(first?["explanation"]?.stringValue?.contains("officer-2") == false)
            }
            try await client.execute(
                uri: "/v1/alerts/99999",
                method: .get,
                headers: TestServer.headers(server.supervisorKey)
            ) {
                #expect($0.status == .notFound)
            }
        }
    }

    @Test func triageIsRecordedAndNobodyTriagesThemselves() async throws {
        let server = try await AlertTestServer()
        let own = try await server.alertID(of: "officer-1")
        let other = try await server.alertID(of: "officer-2")
        try await server.application.test(.router) { client in
            let officer = TestServer.headers(server.officerKey)
            let supervisor = TestServer.headers(server.supervisorKey)
            for (action, body) in [
                ("acknowledge", "{}"), ("comment", #"{"text":"mine"}"#), ("resolve", #"{"disposition":"benign"}"#),
                ("reveal", #"{"reason":"curious"}"#),
            ] {
                try await client.execute(
                    uri: "/v1/alerts/\(own)/\(action)",
                    method: .post,
                    headers: officer,
                    body: Self.body(body)
                ) { r in
                    #expect(r.status == .forbidden, "\(action)")
                    #expect(r.headers[.contentType] == "application/problem+json")
                }
            }
            try await client.execute(
                uri: "/v1/alerts/\(other)/assign",
                method: .post,
                headers: supervisor,
                body: Self.body(#"{"assignee":"investigator-7"}"#)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["assignee"]?.stringValue == "investigator-7")
            }
            try await client.execute(uri: "/v1/alerts/\(other)/acknowledge", method: .post, headers: supervisor) {
                #expect($0.json.objectValue?["status"]?.stringValue == "acknowledged")
            }
            try await client.execute(
                uri: "/v1/alerts/\(other)/resolve",
                method: .post,
                headers: supervisor,
                body: Self.body(#"{"disposition":"maybe"}"#)
            ) { #expect($0.status == .badRequest) }
            try await client.execute(
                uri: "/v1/alerts/\(other)/resolve",
                method: .post,
                headers: supervisor,
                body: Self.body(#"{"disposition":"false_positive","note":"test data"}"#)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["disposition"]?.stringValue == "false_positive")
            }
            try await client.execute(
                uri: "/v1/alerts/\(other)/resolve",
                method: .post,
                headers: supervisor,
                body: Self.body(#"{"disposition":"benign"}"#)
            ) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/v1/alerts/\(other)/reopen", method: .post, headers: supervisor) {
                #expect($0.json.objectValue?["status"]?.stringValue == "open")
            }
            try await client.execute(
                uri: "/v1/alerts/\(other)/reveal",
                method: .post,
                headers: supervisor,
                body: Self.body(#"{"reason":"interview"}"#)
            ) { #expect($0.json.objectValue?["actor"]?.stringValue == "officer-2") }
        }
        #expect(try await server.events(action: "custos.alert.assign").count == 1)
        // The repeated resolve was refused before anything was recorded.
        #expect(try await server.events(action: "custos.alert.resolve").count == 1)
        let reveal = try #require(try await server.events(action: "custos.alert.reveal").first)
        #expect(reveal.event.actor.id == "supervisor-1")
        #expect(reveal.event.resource?.id == "\(other)")
        #expect(try await server.events(action: "custos.alert.acknowledge").count == 1)  // officer-1's was refused
        let history = try await server.store.alertHistory(alert: other)
        #expect(history.map(\.action) == ["assign", "acknowledge", "resolve", "reopen"])
    }

    @Test func suppressionsAreOwnedTimeBoxedAndNeverForOneself() async throws {
        let server = try await AlertTestServer()
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/suppressions",
                method: .post,
                headers: TestServer.headers(server.officerKey),
                body: Self.body(
                    #"{"rule":"test-export","actor":"officer-1","hours":24,"reason":"x"}"#
                )
            ) { #expect($0.status == .forbidden) }
            let pseudonym = DetectionFixtures.pseudonymizer.pseudonym("officer-1")
            try await client.execute(
                uri: "/v1/suppressions",
                method: .post,
                headers: TestServer.headers(server.officerKey),
                body: Self.body(
                    #"{"rule":"test-export","actor":"\#(pseudonym)","hours":24,"reason":"x"}"#
                )
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/v1/suppressions",
                method: .post,
                headers: TestServer.headers(server.supervisorKey),
                body: Self.body(
                    #"{"rule":"test-export","actor":"officer-1","hours":0,"reason":"x"}"#
                )
            ) { #expect($0.status == .badRequest) }
            try await client.execute(
                uri: "/v1/suppressions",
                method: .post,
                headers: TestServer.headers(server.supervisorKey),
                body: Self.body(
                    #"{"rule":"test-export","actor":"officer-1","hours":24,"reason":"known"}"#
                )
            ) { r in
                #expect(r.status == .created)
                #expect(r.json.objectValue?["owner"]?.stringValue == "supervisor-1")
                #expect(r.json.objectValue?["active"] == .bool(true))
            }
            try await client.execute(
                uri: "/v1/suppressions/1",
                method: .delete,
                headers: TestServer.headers(server.supervisorKey)
            ) {
                #expect($0.status == .noContent)
            }
            try await client.execute(
                uri: "/v1/suppressions",
                method: .get,
                headers: TestServer.headers(server.supervisorKey)
            ) { r in
                let list = r.json.objectValue?["suppressions"]?.arrayValue ?? []
                #expect(list.count == 1)
                #expect(list.first?.objectValue?["active"] == .bool(false))
            }
        }
        #expect(try await server.events(action: "custos.suppression.create").count == 1)
        #expect(try await server.events(action: "custos.suppression.lift").count == 1)
    }

    @Test func findingsExportHasTheBackTestShape() async throws {
        let server = try await AlertTestServer()
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/findings?reveal=true&limit=2",
                method: .get,
                headers: TestServer.headers(server.supervisorKey)
            ) { r in
                #expect(r.status == .ok)
                let findings = r.json.objectValue?["findings"]?.arrayValue ?? []
                #expect(findings.count == 2)
                let f = findings.first?.objectValue
                for key in ["rule", "title", "actor", "time", "severity", "explanation", "evidence"] {
                    #expect(f?[key] != nil, "\(key)")
                }
                #expect(f?["actor"]?.stringValue?.hasPrefix("officer-") == true)
                #expect(r.json.objectValue?["next_cursor"]?.stringValue != nil)
            }
        }
    }
}
