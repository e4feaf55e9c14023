import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP API")
struct APIServerTests {
    @Test func healthNeedsNoKeyButEverythingElseDoes() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/openapi.json", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["openapi"]?.stringValue?.hasPrefix("3.1") == true)
            }
            for uri in [
                "/v1/events", "/metrics", "/v1/actors/a/timeline", "/v1/sessions/s", "/v1/datasets/d/access",
                "/v1/subjects/p/access",
            ] {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .unauthorized, "\(uri)")
                    #expect(r.headers[.wwwAuthenticate] == "Bearer realm=\"custos\"")
                    #expect(r.headers[.contentType] == "application/problem+json")
                }
            }
            let garbage = TestServer.headers("custos_AAAAAAAAAAAA_" + String(repeating: "x", count: 43))
            try await client.execute(uri: "/v1/events", method: .get, headers: garbage) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test func scopesAreEnforced() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .get, headers: TestServer.headers(server.ingestKey)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: TestServer.headers(server.readKey),
                body: ByteBuffer(string: eventJSON(id: "a"))
            ) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/v1/events", method: .get, headers: TestServer.headers(server.adminKey)) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test func ingestsObjectsArraysAndNDJSONDurablyWithSeqs() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: TestServer.headers(server.ingestKey),
                body: ByteBuffer(string: eventJSON(id: "a"))
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json == (try? JSONParser().parse(#"{"accepted":1,"stored":1,"duplicates":0,"seqs":[0]}"#)))
            }
            try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: TestServer.headers(server.ingestKey),
                body: ByteBuffer(string: "[" + eventJSON(id: "b") + "," + eventJSON(id: "c") + "]")
            ) { r in #expect(r.json.objectValue?["seqs"] == .array([.integer(1), .integer(2)])) }
            try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: TestServer.headers(server.ingestKey, contentType: "application/x-ndjson"),
                body: ByteBuffer(string: eventJSON(id: "d") + "\n\n" + eventJSON(id: "a") + "\n")
            ) { r in
                #expect(r.json == (try? JSONParser().parse(#"{"accepted":2,"stored":1,"duplicates":1,"seqs":[3,0]}"#)))
            }
        }
        #expect(try await server.store.statistics().events == 4)
    }

    @Test func refusesABadBatchWholeWithEveryIssue() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            let body =
                "[" + eventJSON(id: "ok") + "," + eventJSON(id: "bad", extra: #","bytes":-1,"colour":"red""#) + "]"
            try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: TestServer.headers(server.ingestKey),
                body: ByteBuffer(string: body)
            ) { r in
                #expect(r.status == .badRequest)
                #expect(r.headers[.contentType] == "application/problem+json")
                let errors = r.json.objectValue?["errors"]?.arrayValue ?? []
                let pairs = Set(
                    errors.compactMap { e -> String? in
                        guard let o = e.objectValue, case .integer(let i)? = o["index"],
                            case .string(let p)? = o["path"]
                        else { return nil }
                        return "\(i):\(p)"
                    }
                )
                #expect(pairs == ["1:bytes", "1:colour"])
                #expect(r.json.objectValue?["status"] == .integer(400))
            }
            try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: TestServer.headers(server.ingestKey, contentType: "text/plain"),
                body: ByteBuffer(string: eventJSON(id: "x"))
            ) { #expect($0.status == .unsupportedMediaType) }
            try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: TestServer.headers(server.ingestKey),
                body: ByteBuffer(string: "{\"time\": ")
            ) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["detail"]?.stringValue?.contains("invalid JSON at line 1") == true)
            }
        }
        #expect(try await server.store.statistics().events == 0)
    }

    @Test func sameIDWithOtherContentIsAConflictAndStoresNothing() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            let h = TestServer.headers(server.ingestKey)
            try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: h,
                body: ByteBuffer(string: eventJSON(id: "a"))
            ) {
                #expect($0.status == .ok)
            }
            let body = "[" + eventJSON(id: "new") + "," + eventJSON(id: "a", extra: #","bytes":5"#) + "]"
            try await client.execute(uri: "/v1/events", method: .post, headers: h, body: ByteBuffer(string: body)) {
                r in
                #expect(r.status == .conflict)
                let e = r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue
                #expect(e?["index"] == .integer(1) && e?["existing_seq"] == .integer(0))
            }
        }
        #expect(try await server.store.statistics().events == 1)
    }

    @Test func everyReadIsRecordedBeforeTheAnswer() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: TestServer.headers(server.ingestKey),
                body: ByteBuffer(string: eventJSON(id: "a", subject: "person:42"))
            ) { #expect($0.status == .ok) }
            try await client.execute(
                uri: "/v1/subjects/person:42/access",
                method: .get,
                headers: TestServer.headers(server.readKey)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["total"] == .integer(1))
            }
        }
        let reads = try await server.store.events(EventQuery(action: "custos.read"))
        #expect(reads.events.count == 1)
        let read = try #require(reads.events.first?.event)
        #expect(read.actor.id == "read-owner" && read.app == "custos")
        #expect(read.query == "GET /v1/subjects/person:42/access" && read.subjects == ["person:42"])
    }

    @Test func queryEndpointsAnswerAndNameBadParameters() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            let body = (0..<5).map { eventJSON(id: "e\($0)", actor: "officer-\($0 % 2)") }.joined(separator: "\n")
            try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: TestServer.headers(server.ingestKey, contentType: "application/x-ndjson"),
                body: ByteBuffer(string: body)
            ) { #expect($0.status == .ok) }
            let h = TestServer.headers(server.readKey, contentType: nil)
            try await client.execute(uri: "/v1/events?actor=officer-0&limit=2&order=asc", method: .get, headers: h) {
                r in
                let seqs = r.json.objectValue?["events"]?.arrayValue?.compactMap { $0.objectValue?["seq"] }
                #expect(seqs == [.integer(0), .integer(2)])
                #expect(r.json.objectValue?["next_cursor"] == .string("2"))
            }
            try await client.execute(uri: "/v1/events?format=csv&actor=officer-1", method: .get, headers: h) { r in
                let text = String(buffer: r.body)
                #expect(text.hasPrefix("seq,time,actor,"))
                #expect(text.split(separator: "\r\n").count == 3)
            }
            try await client.execute(uri: "/v1/actors/officer-1/timeline", method: .get, headers: h) { r in
                #expect(r.json.objectValue?["sessions"]?.arrayValue?.first?.objectValue?["events"] == .integer(2))
            }
            try await client.execute(uri: "/v1/sessions/s-1", method: .get, headers: h) { r in
                #expect(r.json.objectValue?["events"]?.arrayValue?.count == 5)
            }
            try await client.execute(uri: "/v1/sessions/nope", method: .get, headers: h) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/v1/datasets/persons/access", method: .get, headers: h) { r in
                #expect(r.json.objectValue?["total_actors"] == .integer(2))
            }
            for (uri, parameter) in [
                ("/v1/events?limit=0", "limit"), ("/v1/events?from=yesterday", "from"),
                ("/v1/events?outcome=maybe", "outcome"), ("/v1/events?cursor=zz", "cursor"),
                ("/v1/events?colour=red", "colour"), ("/v1/events?order=up", "order"),
                ("/v1/events?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z", "to"),
                ("/v1/actors/a/timeline?limit=5000", "limit"), ("/v1/subjects/p/access?actor=x", "actor"),
                ("/v1/actors/a%01b/timeline", "id"),
                ("/v1/subjects/\(String(repeating: "x", count: 300))/access", "id"),
                ("/v1/events?subject=\(String(repeating: "x", count: 300))", "subject"),
            ] {
                try await client.execute(uri: uri, method: .get, headers: h) { r in
                    #expect(r.status == .badRequest, "\(uri)")
                    #expect(
                        r.json.objectValue?["errors"]?.arrayValue?.first?.objectValue?["path"] == .string(parameter),
                        "\(uri)"
                    )
                }
            }
            try await client.execute(uri: "/metrics", method: .get, headers: h) { r in
                #expect(String(buffer: r.body).contains("custos_events_ingested_total 5"))
                #expect(String(buffer: r.body).contains("custos_checkpoint_uncovered_entries "))
                #expect(String(buffer: r.body).contains("custos_checkpoint_age_seconds "))
            }
        }
    }

    @Test func aFullQueueAnswers503WithRetryAfterAndLosesNothingAcknowledged() async throws {
        let gate = StoreGate()
        let server = try await TestServer(queueCapacity: 3) { GatedStore(inner: $0, gate: gate) }
        try await server.application.test(.router) { client in
            let h = TestServer.headers(server.ingestKey, contentType: "application/x-ndjson")
            // The first request starts a commit that waits at the gate; two more fill the queue to capacity.
            async let first = client.execute(
                uri: "/v1/events",
                method: .post,
                headers: h,
                body: ByteBuffer(string: eventJSON(id: "a"))
            )
            try await gate.waitUntilBlocked()
            async let second = client.execute(
                uri: "/v1/events",
                method: .post,
                headers: h,
                body: ByteBuffer(string: eventJSON(id: "b") + "\n" + eventJSON(id: "c"))
            )
            try await Task.sleep(for: .milliseconds(200))
            let refused = try await client.execute(
                uri: "/v1/events",
                method: .post,
                headers: h,
                body: ByteBuffer(string: eventJSON(id: "d") + "\n" + eventJSON(id: "e"))
            )
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "1")
            await gate.open()
            #expect(try await first.status == .ok)
            #expect(try await second.status == .ok)
        }
        let stored = try await server.store.events(EventQuery(order: .ascending))
        #expect(stored.events.compactMap(\.event.id) == ["a", "b", "c"])
    }
}
