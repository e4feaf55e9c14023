import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A server with detection and the console: alerts from the fixture pack over officer-0…2 (all of fo/minneapolis),
/// and one console account per case.
struct ConsoleAlertTestServer {
    let api: CustosAPI
    let store: SQLiteStore

    init() async throws {
        let dir = try TemporaryDirectory()
        store = try SQLiteStore(directory: dir.path)
        api = CustosAPI(
            store: store,
            alerts: AlertAccess(store: store, pseudonymizer: DetectionFixtures.pseudonymizer),
            console: ConsoleConfiguration()
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
        let hash = ConsolePasswords.hash(ConsoleTestServer.password, cost: 4)
        let accounts: [(String, ConsoleRole, String, [String])] = [
            ("priv", .privacyOfficer, "overseer-priv", []), ("aud", .auditor, "overseer-aud", []),
            ("sup", .supervisor, "overseer-sup", ["fo/minneapolis"]),
            ("far", .supervisor, "overseer-far", ["fo/chicago"]), ("adm", .admin, "overseer-adm", []),
            ("self", .privacyOfficer, "officer-1", []),
        ]
        for (name, role, actor, units) in accounts {
            _ = try await store.insertAccount(
                ConsoleAccount(
                    username: name,
                    passwordHash: hash,
                    role: role,
                    actor: actor,
                    orgUnits: units,
                    created: CustosAPI.systemClock()
                )
            )
        }
    }

    var application: some ApplicationProtocol { Application(router: api.router()) }

    func alertID(of actor: String) async throws -> Int64 {
        try #require(try await store.alerts(AlertQuery()).alerts.first { $0.actor == actor }).id
    }

    func events(action: String) async throws -> [StoredEvent] {
        try await store.events(EventQuery(action: action, limit: 1000)).events
    }

    /// Signs in and returns the session cookie.
    static func signIn(_ client: some TestClientProtocol, _ username: String) async throws -> String {
        try await client.execute(
            uri: "/login",
            method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "username=\(username)&password=a+long+test+password&next=%2F")
        ) { r in
            #expect(r.status == .found)
            return String((r.headers[.setCookie] ?? "").prefix { $0 != ";" })
        }
    }

    /// GETs a page; returns its status and HTML.
    static func get(
        _ client: some TestClientProtocol,
        _ path: String,
        _ cookie: String
    ) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]) {
            ($0.status, String(buffer: $0.body))
        }
    }

    /// POSTs a form; returns its status.
    static func post(
        _ client: some TestClientProtocol,
        _ path: String,
        _ cookie: String,
        _ body: String
    ) async throws -> HTTPResponse.Status {
        try await client.execute(
            uri: path,
            method: .post,
            headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body)
        ) { $0.status }
    }
}

@Suite("Console alert pages")
struct ConsoleAlertRouteTests {
    typealias S = ConsoleAlertTestServer

    @Test func theQueueShowsPseudonymsAndIsRecordedAsARead() async throws {
        let server = try await S()
        let id = try await server.alertID(of: "officer-1")
        let pseudonym = DetectionFixtures.pseudonymizer.pseudonym("officer-1")
        try await server.application.test(.router) { client in
            let cookie = try await S.signIn(client, "priv")
            let (status, html) = try await S.get(client, "/alerts?sort=severity", cookie)
            #expect(status == .ok)
            #expect(html.contains("href=\"/alerts/\(id)\""))
            #expect(html.contains(pseudonym))
            #expect(!html.contains("officer-1"))
            let (bad, _) = try await S.get(client, "/alerts?status=closed", cookie)
            #expect(bad == .badRequest)
            let (none, empty) = try await S.get(client, "/alerts?status=resolved", cookie)
            #expect(none == .ok && !empty.contains("href=\"/alerts/\(id)\""))
            let (_, overview) = try await S.get(client, "/", cookie)
            #expect(overview.contains("Unresolved alerts"))
        }
        let reads = try await server.events(action: "custos.read").filter { $0.event.resource?.id == "console/alerts" }
        #expect(reads.count == 2)
        #expect(reads.allSatisfy { $0.event.actor.id == "overseer-priv" })
    }

    @Test func triageFromTheConsoleIsTheAPIsTriage() async throws {
        let server = try await S()
        let id = try await server.alertID(of: "officer-0")
        try await server.application.test(.router) { client in
            let cookie = try await S.signIn(client, "priv")
            let (status, html) = try await S.get(client, "/alerts/\(id)", cookie)
            #expect(status == .ok)
            #expect(html.contains("href=\"/events/"))
            #expect(html.contains("action=\"/alerts/\(id)/resolve\""))
            let token = try #require(ConsoleTestServer.csrf(html))
            #expect(try await S.post(client, "/alerts/\(id)/resolve", cookie, "disposition=benign") == .forbidden)
            #expect(
                try await S.post(client, "/alerts/\(id)/resolve", cookie, "csrf=\(token)&disposition=maybe")
                    == .badRequest
            )
            #expect(
                try await S.post(client, "/alerts/\(id)/resolve", cookie, "csrf=\(token)&disposition=benign&note=")
                    == .seeOther
            )
            #expect(
                try await S.post(client, "/alerts/\(id)/resolve", cookie, "csrf=\(token)&disposition=benign")
                    == .conflict
            )
            let (_, after) = try await S.get(client, "/alerts/\(id)", cookie)
            #expect(after.contains("resolved (benign)"))
            #expect(
                try await S.post(client, "/alerts/\(id)/reveal", cookie, "csrf=\(token)&reason=interview") == .ok
            )
        }
        let resolved = try await server.events(action: "custos.alert.resolve")
        #expect(resolved.count == 1)
        #expect(resolved.first?.event.actor.id == "overseer-priv")
        #expect(resolved.first?.event.actor.session?.hasPrefix("console:") == true)
        #expect(resolved.first?.event.resource?.id == "\(id)")
        #expect(try await server.store.alert(id: id)?.disposition == .benign)
        #expect(try await server.events(action: "custos.alert.reveal").count == 1)
    }

    @Test func rolesDecideWhoSeesAndWhoTriages() async throws {
        let server = try await S()
        let id = try await server.alertID(of: "officer-1")
        try await server.application.test(.router) { client in
            let sup = try await S.signIn(client, "sup")
            #expect(try await S.get(client, "/alerts/\(id)", sup).0 == .ok)
            let far = try await S.signIn(client, "far")
            let (farStatus, farPage) = try await S.get(client, "/alerts/\(id)", far)
            #expect(farStatus == .forbidden)
            let farToken = try #require(ConsoleTestServer.csrf(farPage))
            #expect(try await S.post(client, "/alerts/\(id)/comment", far, "csrf=\(farToken)&text=x") == .forbidden)
            #expect(!(try await S.get(client, "/alerts", far).1.contains("href=\"/alerts/\(id)\"")))

            let aud = try await S.signIn(client, "aud")
            let (audStatus, audPage) = try await S.get(client, "/alerts/\(id)", aud)
            #expect(audStatus == .ok && !audPage.contains("/comment\""))
            let audToken = try #require(ConsoleTestServer.csrf(audPage))
            #expect(try await S.post(client, "/alerts/\(id)/comment", aud, "csrf=\(audToken)&text=x") == .forbidden)

            let adm = try await S.signIn(client, "adm")
            #expect(try await S.get(client, "/alerts/\(id)", adm).0 == .forbidden)

            let me = try await S.signIn(client, "self")
            let (meStatus, mePage) = try await S.get(client, "/alerts/\(id)", me)
            #expect(meStatus == .ok && mePage.contains("This alert is about you") && !mePage.contains("/comment\""))
            let meToken = try #require(ConsoleTestServer.csrf(mePage))
            #expect(try await S.post(client, "/alerts/\(id)/comment", me, "csrf=\(meToken)&text=x") == .forbidden)
            #expect(try await S.post(client, "/alerts/\(id)/reveal", me, "csrf=\(meToken)&reason=x") == .forbidden)
        }
        #expect(try await server.events(action: "custos.alert.comment").isEmpty)
        #expect(try await server.events(action: "custos.alert.reveal").isEmpty)
    }
}
