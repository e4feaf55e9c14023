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

/// The console's "verify now" records its result as a `custos.verify` event, on a real SQLite store.
@Suite("Verification events")
struct VerificationRecorderTests {
    /// Signs in as the privacy officer, presses "verify now" and waits for the run to end; returns its state.
    static func verifyNow(_ server: ConsoleTestServer) async throws -> String {
        try await server.application.test(.router) { client in
            let cookie = try await server.signIn(client, "priv")
            let token = try await client.execute(uri: "/ledger", method: .get, headers: [.cookie: cookie]) {
                ConsoleTestServer.csrf(String(buffer: $0.body))
            }
            try await client.execute(
                uri: "/ledger/verify",
                method: .post,
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=\(try #require(token))")
            ) { #expect($0.status == .found) }
            var state = "running"
            for _ in 0..<200 where state == "running" {
                try await Task.sleep(for: .milliseconds(50))
                state = try await client.execute(
                    uri: "/ledger/verify/status",
                    method: .get,
                    headers: [.cookie: cookie]
                ) { $0.json.objectValue?["state"]?.stringValue ?? "" }
            }
            return state
        }
    }

    /// The `custos.verify` events of the store, oldest first.
    static func verifyEvents(_ server: ConsoleTestServer) async throws -> [AccessEvent] {
        try await server.store.events(EventQuery(action: "custos.verify", order: .ascending)).events.map(\.event)
    }

    @Test func aTamperedStoreRecordsAFailureNamingTheFirstBadEntry() async throws {
        let server = try await ConsoleTestServer()
        let queue = try DatabaseQueue.sideConnection(server.store.path)
        try await queue.write {
            try $0.execute(
                sql: """
                    UPDATE events SET body = CAST(replace(CAST(body AS TEXT), 'officer-b', 'officer-c') AS BLOB)
                    WHERE seq = 5
                    """
            )
        }
        #expect(try await Self.verifyNow(server) == "failed")
        let events = try await Self.verifyEvents(server)
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.outcome == .failure)
        #expect(event.actor.id == "custos")
        #expect(event.app == "custos")
        #expect(event.attributes?["first_bad_seq"] == .integer(5))
        // The console records its own reads before the run starts, so the tree holds the 20 events and more.
        guard case .integer(let size)? = event.attributes?["tree_size"] else { throw VerificationTestError.noSize }
        #expect(size >= 20)
        #expect(event.attributes?["requested_by"] == .string("priv-actor"))
        #expect(event.attributes?["problem"]?.stringValue?.contains("5") == true)
    }

    @Test func anIntactStoreRecordsASuccess() async throws {
        let server = try await ConsoleTestServer()
        #expect(try await Self.verifyNow(server) == "passed")
        let events = try await Self.verifyEvents(server)
        #expect(events.count == 1)
        #expect(events.first?.outcome == .success)
        #expect(events.first?.attributes?["first_bad_seq"] == nil)
        guard case .integer(let size)? = events.first?.attributes?["tree_size"] else {
            throw VerificationTestError.noSize
        }
        #expect(size >= 20)
    }
}

/// A `custos.verify` event without its tree size.
enum VerificationTestError: Error {
    case noSize
}
