import CustosCore
import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A server with the console on a fresh store, one account per role and a few events.
struct ConsoleTestServer {
    let api: CustosAPI
    let store: SQLiteStore
    let directory: TemporaryDirectory
    static let password = "a long test password"

    init() async throws {
        directory = try TemporaryDirectory()
        store = try SQLiteStore(directory: directory.path)
        let signer = try Ed25519NoteSigner.generate(keyName: "console.test/log")
        let publisher = CheckpointPublisher(
            store: store,
            signer: signer,
            origin: "console.test/log",
            intervalSeconds: 3600,
            entries: 1_000_000
        )
        let sqlite = store
        api = CustosAPI(
            store: store,
            ledger: publisher,
            console: ConsoleConfiguration(
                rules: [ConsoleRule(title: "Bulk export", level: "high", description: "many rows", file: "b.yml")],
                verify: {
                    let r = try await sqlite.verifyLedger(verifiers: [signer.verifier], previous: nil)
                    return ConsoleVerificationOutcome(
                        valid: r.isValid,
                        treeSize: r.treeSize,
                        checkpointsVerified: r.checkpointsVerified,
                        problems: r.problems,
                        firstBadEntry: r.firstBadEntry
                    )
                }
            )
        )
        let hash = ConsolePasswords.hash(Self.password, cost: 4)
        let accounts: [(String, ConsoleRole, [String])] = [
            ("priv", .privacyOfficer, []), ("aud", .auditor, []), ("sup", .supervisor, ["fo/a"]), ("adm", .admin, []),
        ]
        for (name, role, units) in accounts {
            _ = try await store.insertAccount(
                ConsoleAccount(
                    username: name,
                    passwordHash: hash,
                    role: role,
                    actor: "\(name)-actor",
                    orgUnits: units,
                    created: CustosAPI.systemClock()
                )
            )
        }
        var events: [AccessEvent] = []
        for i in 0..<20 {
            events.append(
                AccessEvent(
                    time: Timestamp(millisecondsSinceEpoch: 1_790_000_000_000 + Int64(i) * 60_000),
                    actor: Actor(
                        id: i % 2 == 0 ? "officer-a" : "officer-b",
                        org: i % 2 == 0 ? "fo/a" : "fo/b",
                        session: i % 2 == 0 ? "s-a" : "s-b"
                    ),
                    action: "view",
                    resource: Resource(type: "person", id: "persons/\(i)", dataset: "persons"),
                    subjects: ["person:\(i % 3)"],
                    app: "casebook"
                )
            )
        }
        _ = try await api.pipeline.submit(events)
    }

    var application: some ApplicationProtocol { Application(router: api.router()) }

    /// Signs in and returns the session cookie header value.
    func signIn(_ client: some TestClientProtocol, _ username: String) async throws -> String {
        try await client.execute(
            uri: "/login",
            method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "username=\(username)&password=a+long+test+password&next=%2F")
        ) { r in
            #expect(r.status == .found)
            let setCookie = r.headers[.setCookie] ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            return String(setCookie.prefix { $0 != ";" })
        }
    }

    /// The CSRF token in a page's sign-out form.
    static func csrf(_ html: String) -> String? {
        guard let r = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }
}

@Suite("Console routes")
struct ConsoleRouteTests {
    @Test func everyPageRedirectsToSignInWithoutASession() async throws {
        let server = try await ConsoleTestServer()
        try await server.application.test(.router) { client in
            for path in [
                "/", "/people", "/people/officer-a", "/sessions/s-a", "/datasets", "/search", "/subjects",
                "/subjects/report?subject=person:1", "/ledger", "/rules", "/admin/accounts", "/events/1",
                "/search.csv?actor=officer-a", "/ledger/verify/status",
            ] {
                try await client.execute(uri: path, method: .get, headers: [.cookie: "custos_session=bogus"]) { r in
                    #expect(r.status == .seeOther, "\(path)")
                    #expect(r.headers[.location]?.hasPrefix("/login?next=") == true, "\(path)")
                }
            }
            try await client.execute(uri: "/login", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func signedInPagesRenderAndAreRecordedAsReads() async throws {
        let server = try await ConsoleTestServer()
        try await server.application.test(.router) { client in
            let cookie = try await server.signIn(client, "priv")
            for path in [
                "/", "/people", "/people/officer-a", "/sessions/s-a", "/datasets", "/datasets/persons",
                "/search?actor=officer-a", "/subjects/report?subject=person:1", "/ledger", "/rules", "/events/3",
            ] {
                try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]) { r in
                    #expect(r.status == .ok, "\(path)")
                    let html = String(buffer: r.body)
                    #expect(html.contains("<main id=\"main\""), "\(path)")
                    #expect(r.headers[.init("Content-Security-Policy")!] != nil)
                }
            }
            try await client.execute(uri: "/search.csv?actor=officer-a", method: .get, headers: [.cookie: cookie]) {
                r in
                #expect(r.status == .ok)
                let lines = String(buffer: r.body).split(whereSeparator: \.isNewline)
                #expect(lines.first?.hasPrefix("seq,time,actor") == true)
                #expect(lines.count == 11)
            }
            try await client.execute(
                uri: "/subjects/report.json?subject=person:1",
                method: .get,
                headers: [.cookie: cookie]
            ) { r in
                #expect(r.status == .ok)
                let doc = r.json.objectValue
                #expect(doc?["subject"] == .string("person:1"))
                #expect(doc?["checkpoint"]?.objectValue?["note"] != nil)
                // The seven views of person:1, and the console's own earlier read of their report.
                let actions = doc?["events"]?.arrayValue?.compactMap { $0.objectValue?["action"]?.stringValue } ?? []
                #expect(actions.filter { $0 == "view" }.count == 7)
                #expect(actions.filter { $0 == "custos.read" }.count == 1)
            }
        }
        let reads = try await server.store.events(EventQuery(actor: "priv-actor", action: "custos.read", limit: 100))
        #expect(reads.events.count >= 12)
        #expect(reads.events.contains { $0.event.resource?.id == "console/actors/officer-a" })
        #expect(reads.events.allSatisfy { $0.event.actor.session?.hasPrefix("console:") == true })
    }

    @Test func rolesAreEnforced() async throws {
        let server = try await ConsoleTestServer()
        try await server.application.test(.router) { client in
            let sup = try await server.signIn(client, "sup")
            try await client.execute(uri: "/people/officer-a", method: .get, headers: [.cookie: sup]) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/people/officer-b", method: .get, headers: [.cookie: sup]) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/sessions/s-b", method: .get, headers: [.cookie: sup]) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/search?actor=x", method: .get, headers: [.cookie: sup]) {
                #expect($0.status == .forbidden)
            }
            let aud = try await server.signIn(client, "aud")
            try await client.execute(uri: "/admin/accounts", method: .get, headers: [.cookie: aud]) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/ledger", method: .get, headers: [.cookie: aud]) {
                #expect($0.status == .ok)
            }
            let adm = try await server.signIn(client, "adm")
            try await client.execute(uri: "/admin/accounts", method: .get, headers: [.cookie: adm]) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("priv-actor"))
                #expect(!String(buffer: r.body).contains("$2"))
            }
        }
    }

    @Test func postsWithoutTheRightTokenAreRefusedAndLogoutEndsTheSession() async throws {
        let server = try await ConsoleTestServer()
        try await server.application.test(.router) { client in
            let cookie = try await server.signIn(client, "priv")
            let token = try await client.execute(uri: "/ledger", method: .get, headers: [.cookie: cookie]) {
                ConsoleTestServer.csrf(String(buffer: $0.body))
            }
            #expect(token?.count == 64)
            let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            for body in ["", "csrf=wrong"] {
                try await client.execute(
                    uri: "/ledger/verify",
                    method: .post,
                    headers: form,
                    body: ByteBuffer(string: body)
                ) { #expect($0.status == .forbidden) }
            }
            var crossOrigin = form
            crossOrigin[.origin] = "http://evil.example"
            try await client.execute(
                uri: "/ledger/verify",
                method: .post,
                headers: crossOrigin,
                body: ByteBuffer(string: "csrf=\(token!)")
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/ledger/verify",
                method: .post,
                headers: form,
                body: ByteBuffer(string: "csrf=\(token!)")
            ) { #expect($0.status == .found) }
            var state = ""
            for _ in 0..<100 {
                state = try await client.execute(
                    uri: "/ledger/verify/status",
                    method: .get,
                    headers: [.cookie: cookie]
                ) { $0.json.objectValue?["state"]?.stringValue ?? "" }
                if state != "running" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(state == "passed")
            try await client.execute(uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "csrf=x")) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: "/logout",
                method: .post,
                headers: form,
                body: ByteBuffer(string: "csrf=\(token!)")
            ) { #expect($0.status == .found) }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) {
                #expect($0.status == .seeOther)
            }
        }
    }

    @Test func wrongPasswordsAreRefusedAndThrottled() async throws {
        let server = try await ConsoleTestServer()
        try await server.application.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<6 {
                statuses.append(
                    try await client.execute(
                        uri: "/login",
                        method: .post,
                        headers: [.contentType: "application/x-www-form-urlencoded"],
                        body: ByteBuffer(string: "username=priv&password=wrong")
                    ) { $0.status }
                )
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .unauthorized })
            #expect(statuses.last == .tooManyRequests)
            // Even the right password is refused while throttled.
            try await client.execute(
                uri: "/login",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=priv&password=a+long+test+password")
            ) { #expect($0.status == .tooManyRequests) }
        }
    }
}
