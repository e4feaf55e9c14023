import CustosCore
import CustosLedger
@testable import CustosSQLite
import CustosStore
import CustosTestKit
import Foundation
import GRDB
import Testing

/// Pins the bytes the append path stores for a fixed, varied workload, so that work on the ingest hot path cannot
/// change what is written: every deterministic column of `events`, `event_subjects`, the four rollups and
/// `sessions` is dumped in key order and digested; the random claim salts are checked instead by recomputing each
/// event's leaf from its stored body and salts, and the tiles by verifying the whole ledger.
@Suite("Stored bytes pin")
struct StoredBytesPinTests {
    /// 1,500 events over 7 actors, sessions and sessionless days, 5 datasets and none, repeated and duplicate
    /// subjects, client ids and none, every outcome, missing rows and bytes, attributes with non-ASCII names.
    static func workload() -> [AccessEvent] {
        let datasets: [String?] = ["persons", "cases", nil, "vehicles", "addresses", "persons", "watch"]
        let actions = ["view", "search", "export", "print", "login"]
        return (0..<1500).map { n in
            var e = EventFixtures.event(
                id: n % 5 == 3 ? nil : "pin-\(n)",
                minutes: Int64(n * 7 + (n % 13) * 60),
                actor: "officer-\(n % 7)",
                session: n % 6 == 0 ? nil : "s-\(n / 40)-\(n % 7)",
                action: actions[n % actions.count],
                dataset: datasets[n % datasets.count],
                resource: n % 11 == 0 ? nil : "r/\(n % 97)",
                subjects: (0..<(n % 4)).map { "person:\((n * 31 + $0 * 17) % 211)" } + (n % 9 == 0 ? ["person:1"] : []),
                rows: n % 8 == 0 ? nil : Int64(n % 50),
                bytes: n % 10 == 0 ? nil : Int64(n * 13),
                outcome: [Outcome.success, .denied, .failure][n % 3],
                app: n % 4 == 0 ? "pinboard" : "casebook",
                caseID: n % 3 == 0 ? nil : "C-\(n % 17)"
            )
            if n % 9 == 0 { e.subjects.append("person:1") }
            if n % 25 == 0 {
                e.attributes = JSONObject([("ü", .string("x\(n)")), ("a", .array([.integer(Int64(n)), .null]))])
            }
            if n % 33 == 0 { e.decision = "dec-\(n)" }
            return e
        }
    }

    /// Appends the workload the ways ingest does: single requests, several requests per transaction, and a retried
    /// request (its events with client ids are acknowledged as duplicates; its 24 events without one are stored
    /// again). The stored order is events 0..<1000, the id-less events of 300..<420, then 1000..<1500.
    static func fill(_ store: SQLiteStore) async throws {
        let events = workload()
        let received = Timestamp(millisecondsSinceEpoch: 1_795_500_000_000)
        _ = try await store.append([Array(events[0..<400])], received: received)
        _ = try await store.append(
            [Array(events[400..<650]), Array(events[650..<1000]), Array(events[300..<420])],
            received: received
        )
        _ = try await store.append([Array(events[1000..<1500])], received: received)
    }

    /// The workload as `custos ingest` input that stores the same events in the same order with `--batch 1000
    /// --parallel 1` (how the pinned digest was taken from main's binary before the ingest path changed).
    static func ndjson() -> [UInt8] {
        let events = workload()
        var out: [UInt8] = []
        for e in events[0..<1000] + events[300..<420] + events[1000..<1500] {
            out += e.canonicalBytes
            out.append(0x0A)
        }
        return out
    }

    /// The deterministic stored rows, as text, in key order. The subject rows are those of the old
    /// `event_subjects` table or, since that moved, the subject postings of the index file beside the store, printed
    /// the same way (same label, same columns; from the runs since the index file keeps them so), so the pinned
    /// digest spans the move.
    static func dump(_ path: String) throws -> [UInt8] {
        let queue = try DatabaseQueue.sideConnection(path)
        let postings = (path as NSString).deletingPathExtension + "-postings.sqlite"
        return try queue.read { db in
            let moved = try !db.tableExists("event_subjects")
            if moved { try db.execute(sql: "ATTACH DATABASE ? AS ix", arguments: [postings]) }
            var out = ""
            let queries = [
                """
                SELECT seq, time, actor_h, session_h, action_h, outcome, dataset_h, resource_h, app_h, rows,
                bytes, idem_h, hex(body), length(salts), length(leaf) FROM events ORDER BY seq
                """,
                "SELECT subject_h, seq FROM event_subjects ORDER BY subject_h, seq",
                "SELECT * FROM dataset_daily ORDER BY dataset, day, actor",
                "SELECT * FROM dataset_hourly ORDER BY dataset, hour, actor",
                "SELECT * FROM dataset_totals ORDER BY dataset, bucket, actor",
                "SELECT * FROM sessions ORDER BY actor, session",
                "SELECT size FROM ledger_state",
                "SELECT level, idx, width FROM tiles ORDER BY level, idx",
                "SELECT idx, width FROM entry_bundles ORDER BY idx",
            ]
            for label in queries {
                out += "# \(label)\n"
                let sql =
                    moved && label.contains("event_subjects")
                    ? "SELECT key, seq FROM ix.run_postings WHERE kind = 4 ORDER BY key, seq" : label
                for row in try Row.fetchAll(db, sql: sql) {
                    out += row.databaseValues.map { $0.description }.joined(separator: "|") + "\n"
                }
            }
            return Array(out.utf8)
        }
    }

    @Test func theStoredBytesOfAFixedWorkloadAreUnchanged() async throws {
        // CUSTOS_PIN_NDJSON=FILE writes the workload for `custos ingest`; CUSTOS_PIN_DUMP=DB prints the digest of
        // another store's rows (how ``pinnedDigest`` was taken from a store that main's binary wrote).
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["CUSTOS_PIN_NDJSON"] {
            try Data(Self.ndjson()).write(to: URL(fileURLWithPath: path))
        }
        if let path = environment["CUSTOS_PIN_DUMP"] {
            print("pin digest of \(path): \(MerkleTreeHasher.leafHash(of: try Self.dump(path)))")
        }
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        try await Self.fill(store)
        try await store.waitForPostings()
        // The coarser rollups hold what the roller has rolled; all of it, as ingest wrote them before there was one.
        try await store.rollEverything()
        let dump = try Self.dump(store.path)
        #expect(dump.count > 500_000)
        #expect(MerkleTreeHasher.leafHash(of: dump).description == Self.pinnedDigest)
    }

    @Test func everyStoredLeafFollowsFromItsBodyAndSaltsAndTheLedgerVerifies() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        try await Self.fill(store)
        let queue = try DatabaseQueue.sideConnection(store.path)
        let rows = try await queue.read { db in try Row.fetchAll(db, sql: "SELECT seq, body, salts, leaf FROM events") }
        #expect(rows.count == 1524)
        for row in rows {
            let seq: Int64 = row[0]
            let body: Data = row[1]
            let salts: Data = row[2]
            let leaf: Data = row[3]
            let object = try #require(try JSONParser().parse(body).objectValue)
            let commitment = try EventClaims.commitment(of: object, salts: salts).commitment
            let time = try Timestamp.parse(try #require(object["time"]?.stringValue)).get()
            let entry = LedgerEntry(
                sequenceNumber: UInt64(seq),
                eventTimeMilliseconds: time.millisecondsSinceEpoch,
                commitment: commitment
            )
            #expect(Array(leaf) == entry.leafHash.bytes)
        }
        let result = try await store.verifyLedger(verifiers: [], previous: nil)
        #expect(result.problems == [])
        #expect(result.treeSize == 1524)
    }

    /// The digest of ``dump(_:)`` for the workload, taken from a store written by main's binary before the ingest path
    /// was optimised (commit 858ad34, `custos ingest FILE --data DIR --batch 1000 --parallel 1`).
    static let pinnedDigest = "34a1de6a8ef2e7579abfb37ce0073d722ffaff1b310406e1746c3ef5b50cd3ef"
}
