import CustosCore
import CustosSQLite
import CustosStore
import CustosTestKit
import Testing

@Suite("Console accounts and activity rollups in SQLite")
struct ConsoleStoreTests {
    static func t(_ ms: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: ms) }

    @Test func accountsAreStoredOnceListedAndDisabled() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let ann = ConsoleAccount(
            username: "ann",
            passwordHash: "$2b$04$hash",
            role: .supervisor,
            actor: "officer-9",
            orgUnits: ["fo/a", "fo/b"],
            created: Self.t(5)
        )
        #expect(try await store.insertAccount(ann))
        var other = ann
        other.role = .admin
        #expect(try await !store.insertAccount(other))
        #expect(try await store.account(username: "ann") == ann)
        #expect(try await store.account(username: "bob") == nil)
        #expect(try await store.disableAccount(username: "ann", at: Self.t(9)))
        #expect(try await !store.disableAccount(username: "ann", at: Self.t(10)))
        #expect(try await store.allAccounts().map(\.disabled) == [Self.t(9)])
        // The accounts survive reopening (the migration ran once).
        let reopened = try SQLiteStore(directory: dir.path)
        #expect(try await reopened.account(username: "ann")?.orgUnits == ["fo/a", "fo/b"])
    }

    @Test func dailyActivityAndDatasetTotalsComeFromTheRollups() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.path)
        let day: Int64 = 86_400_000
        var events: [AccessEvent] = []
        for (i, (d, dataset, actor)) in [
            (0, "persons", "a"), (0, "persons", "b"), (1, "persons", "a"), (1, "cases", "a"), (3, "cases", "c"),
        ].enumerated() {
            events.append(
                AccessEvent(
                    time: Self.t(20_000 * day + Int64(d) * day + Int64(i) * 1000),
                    actor: Actor(id: actor),
                    action: "view",
                    resource: Resource(id: "r\(i)", dataset: dataset),
                    rows: 2,
                    app: "casebook"
                )
            )
        }
        events.append(AccessEvent(time: Self.t(20_000 * day), actor: Actor(id: "z"), action: "login", app: "sso"))
        _ = try await store.append([events], received: Self.t(0))
        let all = try await store.dailyActivity(range: .all)
        #expect(all.map(\.events) == [2, 2, 1])
        #expect(all.map(\.start) == [Self.t(20_000 * day), Self.t(20_001 * day), Self.t(20_003 * day)])
        let window = try await store.dailyActivity(
            range: TimeRange(from: Self.t(20_001 * day), to: Self.t(20_002 * day))
        )
        #expect(window.map(\.events) == [2])
        let totals = try await store.datasetTotals(limit: 10)
        #expect(totals.map(\.dataset) == ["persons", "cases"])
        #expect(totals.map(\.events) == [3, 2])
        #expect(totals.map(\.actors) == [2, 2])
        #expect(totals.map(\.rows) == [6, 4])
        #expect(try await store.datasetTotals(limit: 1).count == 1)
    }
}
