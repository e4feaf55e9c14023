import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Console sessions kept in the store, and sign-in throttling per client address")
struct ConsoleSessionPersistenceTests {
    static func t(_ ms: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: ms) }

    /// The rows of `console_sessions`, every column as text, read straight from the database file.
    static func storedRows(_ store: SQLiteStore) throws -> [[String]] {
        try DatabaseQueue.sideConnection(store.path).read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM console_sessions").map { row in
                row.databaseValues.map { $0.description }
            }
        }
    }

    @Test func aSessionSurvivesARestartAndOnlyItsHashIsStored() async throws {
        let dir = try TemporaryDirectory()
        let before = ConsoleSessions(store: try SQLiteStore(directory: dir.path))
        let (id, session) = try await before.create(username: "ann", now: Self.t(1_000))
        // A new process: a new table over the same data directory.
        let after = ConsoleSessions(store: try SQLiteStore(directory: dir.path))
        #expect(after.count == 0)
        let found = try #require(try await after.session(id: id, now: Self.t(2_000)))
        #expect(found.username == "ann")
        #expect(found.csrfToken == session.csrfToken)
        #expect(found.label == session.label)
        #expect(found.created == Self.t(1_000))
        // Another id: the last character changed (to "1" when it already is "0", which a random id can end with).
        let other = String(id.dropLast()) + (id.hasSuffix("0") ? "1" : "0")
        #expect(try await after.session(id: other, now: Self.t(2_000)) == nil)
        let rows = try Self.storedRows(try SQLiteStore(directory: dir.path))
        #expect(rows.count == 1)
        for cell in rows.joined() {
            #expect(!cell.contains(id) && !cell.contains(session.csrfToken))
        }
    }

    @Test func signOutExpiryAndDisablingReachTheStore() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let sessions = ConsoleSessions(store: store, idleMilliseconds: 10_000, absoluteMilliseconds: 100_000)
        let (a, _) = try await sessions.create(username: "ann", now: Self.t(0))
        let (b, _) = try await sessions.create(username: "ann", now: Self.t(0))
        let (c, _) = try await sessions.create(username: "bob", now: Self.t(0))
        try await sessions.end(id: a)
        try await sessions.endAll(username: "ann")
        let fresh = ConsoleSessions(store: store, idleMilliseconds: 10_000, absoluteMilliseconds: 100_000)
        #expect(try await fresh.session(id: a, now: Self.t(1)) == nil)
        #expect(try await fresh.session(id: b, now: Self.t(1)) == nil)
        #expect(try await fresh.session(id: c, now: Self.t(1)) != nil)
        // Idle past the limit as the store knows it: refused after a restart too, and removed.
        let later = ConsoleSessions(store: store, idleMilliseconds: 10_000, absoluteMilliseconds: 100_000)
        #expect(try await later.session(id: c, now: Self.t(20_000)) == nil)
        #expect(try Self.storedRows(store).isEmpty)
    }

    @Test func useIsWrittenBackSoAnActiveSessionOutlivesTheIdleLimitAcrossRestarts() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let (id, _) = try await ConsoleSessions(store: store, idleMilliseconds: 10_000).create(
            username: "ann",
            now: Self.t(0)
        )
        // Each "process" uses the session 8 s after the last: never idle for 10 s, though 40 s pass in all.
        for step in 1...5 {
            let sessions = ConsoleSessions(store: store, idleMilliseconds: 10_000)
            #expect(try await sessions.session(id: id, now: Self.t(Int64(step) * 8_000)) != nil, "step \(step)")
        }
        // Expired sessions are swept when a new one starts.
        let sessions = ConsoleSessions(store: store, idleMilliseconds: 10_000)
        _ = try await sessions.create(username: "bob", now: Self.t(100_000))
        #expect(try Self.storedRows(store).count == 1)
    }

    @Test func aConsoleRestartedOnTheSameStoreKeepsTheCookieValid() async throws {
        let server = try await ConsoleTestServer()
        let cookie = try await server.application.test(.router) { client in try await server.signIn(client, "priv") }
        // The same data directory opened by a new server: no session in its memory.
        let reopened = try SQLiteStore(directory: server.directory.path)
        let restarted = CustosAPI(store: reopened, console: ConsoleConfiguration())
        try await Application(router: restarted.router()).test(.router) { client in
            try await client.execute(uri: "/people", method: .get, headers: [.cookie: cookie]) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("Sign out"))
            }
            try await client.execute(uri: "/people", method: .get, headers: [.cookie: "custos_session=bogus"]) {
                #expect($0.status == .seeOther)
            }
        }
    }

    @Test func oneClientAddressIsThrottledAcrossUsernames() async throws {
        let server = try await ConsoleTestServer()
        // A real listener on loopback, so the server sees the client's address.
        try await server.application.test(.live) { client in
            func attempt(_ username: String, _ password: String) async throws -> HTTPResponse.Status {
                try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "username=\(username)&password=\(password)")
                ) { $0.status }
            }
            // Twenty wrong guesses, each for a different username: none reaches the per-username limit of five.
            var statuses: [HTTPResponse.Status] = []
            for i in 0..<20 { statuses.append(try await attempt("guess\(i)", "wrong")) }
            #expect(statuses.allSatisfy { $0 == .unauthorized })
            // The address has: even a right password for an untouched account is refused.
            let last = try await attempt("priv", "a+long+test+password")
            #expect(last == .tooManyRequests)
        }
    }
}
