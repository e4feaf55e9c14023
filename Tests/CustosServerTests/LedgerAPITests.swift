import CustosCore
import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Ledger API")
struct LedgerAPITests {
    /// Ingests `count` events through the API.
    static func admin(_ server: TestServer) -> HTTPFields { TestServer.headers(server.adminKey) }

    static func ingest(
        _ client: some TestClientProtocol,
        _ server: TestServer,
        count: Int,
        from: Int = 0
    )
        async throws
    {
        let body = (from..<from + count).map { eventJSON(id: "l-\($0)") }.joined(separator: "\n")
        try await client.execute(
            uri: "/v1/events",
            method: .post,
            headers: TestServer.headers(server.ingestKey, contentType: "application/x-ndjson"),
            body: ByteBuffer(string: body)
        ) { #expect($0.status == .ok) }
    }

    @Test func checkpointsAreSignedOnDemandAndListed() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            try await Self.ingest(client, server, count: 300)
            let read = TestServer.headers(server.readKey)
            try await client.execute(uri: "/v1/checkpoints", method: .post, headers: read) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/v1/checkpoints", method: .post, headers: Self.admin(server)) {
                r in
                #expect(r.status == .created)
                #expect(r.json.objectValue?["size"] == .integer(300))
            }
            try await client.execute(uri: "/checkpoint", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "text/plain; charset=utf-8")
                let opened = try Checkpoint.open(
                    Array(buffer: r.body),
                    origin: TestServer.origin,
                    verifiers: [server.signer.verifier]
                )
                #expect(opened.checkpoint.size == 300)
                // The POST itself was recorded after the checkpoint was signed, as event 300.
                let records = try await server.store.ledgerRecords(seqs: Array(0..<300))
                let leaves = (0..<300).map { records[Int64($0)]!.leafHash }
                #expect(opened.checkpoint.rootHash == MerkleTreeHasher.rootHash(ofLeafHashes: leaves))
            }
            try await client.execute(uri: "/v1/checkpoints", method: .get, headers: read) {
                r in
                #expect(r.status == .ok)
                let list = r.json.objectValue?["checkpoints"]?.arrayValue ?? []
                #expect(list.count == 1)
                #expect(r.json.objectValue?["verifier_key"]?.stringValue == server.signer.verifier.verifierKey)
            }
            try await client.execute(uri: "/v1/checkpoints", method: .get) { #expect($0.status == .unauthorized) }
        }
    }

    @Test func tilesAreServedPubliclyUpToTheLatestCheckpoint() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            try await Self.ingest(client, server, count: 300)
            try await client.execute(uri: "/v1/checkpoints", method: .post, headers: Self.admin(server)) {
                #expect($0.status == .created)
            }
            // Later events are not covered by the checkpoint of 300 (the POST itself was recorded as event 300).
            try await Self.ingest(client, server, count: 10, from: 1000)
            let records = try await server.store.ledgerRecords(seqs: Array(0..<300))
            let leaves = (0..<300).map { records[Int64($0)]!.leafHash }
            try await client.execute(uri: "/tile/0/000", method: .get) { r in
                #expect(r.status == .ok)
                #expect(Array(buffer: r.body) == leaves[0..<256].flatMap(\.bytes))
                #expect(r.headers[.cacheControl]?.contains("immutable") == true)
            }
            try await client.execute(uri: "/tile/0/001.p/44", method: .get) { r in
                #expect(r.status == .ok)
                #expect(Array(buffer: r.body) == leaves[256..<300].flatMap(\.bytes))
            }
            try await client.execute(uri: "/tile/0/001.p/10", method: .get) { r in
                #expect(Array(buffer: r.body) == leaves[256..<266].flatMap(\.bytes))
            }
            try await client.execute(uri: "/tile/0/001.p/50", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/tile/0/001", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/tile/1/000.p/1", method: .get) { r in
                #expect(Array(buffer: r.body) == MerkleTreeHasher.rootHash(ofLeafHashes: leaves[0..<256]).bytes)
            }
            try await client.execute(uri: "/tile/entries/001.p/44", method: .get) { r in
                #expect(r.status == .ok)
                let bundle = try EntryBundle(bytes: Array(buffer: r.body), expectedCount: 44)
                #expect(bundle.leafHashes == Array(leaves[256..<300]))
            }
            try await client.execute(uri: "/tile/0/x/1", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func proofsVerifyAndReadsAreRecorded() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            try await Self.ingest(client, server, count: 40)
            var old: (size: UInt64, root: TreeHash)?
            try await client.execute(uri: "/v1/checkpoints", method: .post, headers: Self.admin(server)) {
                r in
                let o = r.json.objectValue
                old = (integer(o?["size"]), try TreeHash(base64: o?["root_hash"]?.stringValue ?? ""))
            }
            try await Self.ingest(client, server, count: 300, from: 100)
            var latest: (size: UInt64, root: TreeHash)?
            try await client.execute(uri: "/v1/checkpoints", method: .post, headers: Self.admin(server)) {
                r in
                let o = r.json.objectValue
                latest = (integer(o?["size"]), try TreeHash(base64: o?["root_hash"]?.stringValue ?? ""))
            }
            let (size, root) = try #require(latest)
            try await client.execute(
                uri: "/v1/proofs/inclusion?seq=17",
                method: .get,
                headers: TestServer.headers(server.readKey)
            ) { r in
                #expect(r.status == .ok)
                let o = try #require(r.json.objectValue)
                let hashes = try (o["hashes"]?.arrayValue ?? []).map { try TreeHash(base64: $0.stringValue ?? "") }
                let leaf = try TreeHash(base64: o["leaf_hash"]?.stringValue ?? "")
                try InclusionProof(leafIndex: 17, treeSize: size, hashes: hashes).verify(leafHash: leaf, rootHash: root)
            }
            let (oldSize, oldRoot) = try #require(old)
            try await client.execute(
                uri: "/v1/proofs/consistency?from=\(oldSize)&to=\(size)",
                method: .get,
                headers: TestServer.headers(server.readKey)
            ) { r in
                #expect(r.status == .ok)
                let hashes = try (r.json.objectValue?["hashes"]?.arrayValue ?? []).map {
                    try TreeHash(base64: $0.stringValue ?? "")
                }
                try ConsistencyProof(oldSize: oldSize, newSize: size, hashes: hashes)
                    .verify(oldRoot: oldRoot, newRoot: root)
            }
            try await client.execute(
                uri: "/v1/proofs/inclusion?seq=\(size)",
                method: .get,
                headers: TestServer.headers(server.readKey)
            ) { #expect($0.status == .badRequest) }
            let page = try await server.store.events(EventQuery(action: "custos.read", limit: 100))
            #expect(page.events.contains { $0.event.resource?.id == "proofs/inclusion" })
            #expect(page.events.contains { $0.event.resource?.id == "proofs/consistency" })
        }
    }
}

extension LedgerAPITests {
    @Test func eventsWithProofsCarryAVerifiableDisclosure() async throws {
        let server = try await TestServer()
        try await server.application.test(.router) { client in
            try await Self.ingest(client, server, count: 20)
            try await client.execute(uri: "/v1/checkpoints", method: .post, headers: Self.admin(server)) {
                #expect($0.status == .created)
            }
            try await client.execute(
                uri: "/v1/events?proofs=true&limit=5&app=casebook",
                method: .get,
                headers: TestServer.headers(server.readKey)
            ) { r in
                #expect(r.status == .ok)
                let doc = try #require(r.json.objectValue)
                let checkpoint = try #require(doc["checkpoint"]?.objectValue)
                let size = integer(checkpoint["size"])
                let root = try TreeHash(base64: checkpoint["root_hash"]?.stringValue ?? "")
                let events = doc["events"]?.arrayValue ?? []
                #expect(events.count == 5)
                for event in events {
                    let o = try #require(event.objectValue)
                    let seq = integer(o["seq"])
                    let ledger = try #require(o["ledger"]?.objectValue)
                    let claims = try (ledger["disclosure"]?.arrayValue ?? []).map { c in
                        let c = c.objectValue!
                        return try SaltedClaim(
                            salt: Data(base64Encoded: c["salt"]!.stringValue!)!,
                            name: c["name"]!.stringValue!,
                            value: Array(c["value"]!.stringValue!.utf8)
                        )
                    }
                    // The disclosed values are the event's own fields.
                    #expect(claims.contains { $0.name == "action" && $0.value == Array(#""view""#.utf8) })
                    #expect(claims.contains { $0.name == "subject" && $0.value == Array(#""person:1""#.utf8) })
                    let entry = try LedgerEntry(encoded: Data(base64Encoded: ledger["entry"]!.stringValue!)!)
                    #expect(entry.sequenceNumber == seq)
                    try Disclosure(revealedClaims: claims, undisclosedDigests: []).verify(against: entry.commitment)
                    #expect(entry.leafHash.base64String == ledger["leaf_hash"]?.stringValue)
                    let proof = try #require(ledger["inclusion_proof"]?.objectValue)
                    let hashes = try (proof["hashes"]?.arrayValue ?? []).map { try TreeHash(base64: $0.stringValue!) }
                    try InclusionProof(leafIndex: seq, treeSize: size, hashes: hashes)
                        .verify(leafHash: entry.leafHash, rootHash: root)
                }
            }
            try await client.execute(
                uri: "/v1/events?proofs=true&format=csv",
                method: .get,
                headers: TestServer.headers(server.readKey)
            ) { #expect($0.status == .badRequest) }
            try await client.execute(
                uri: "/v1/events?proofs=yes",
                method: .get,
                headers: TestServer.headers(server.readKey)
            ) { #expect($0.status == .badRequest) }
        }
    }
}

/// The value of a JSON integer, or 0.
func integer(_ value: JSONValue?) -> UInt64 {
    if case .integer(let n)? = value, n >= 0 { return UInt64(n) }
    return 0
}
