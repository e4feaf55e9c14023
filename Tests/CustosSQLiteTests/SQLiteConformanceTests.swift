import CustosCore
import CustosSQLite
import CustosStore
import CustosTestKit
import Testing

@Suite("SQLite store conformance")
struct SQLiteConformanceTests {
    static let make: StoreConformance.Factory = {
        let dir = try TemporaryDirectory()
        return try SQLiteStore(directory: dir.path)
    }

    @Test func seqsAreGaplessInCommitOrder() async throws {
        try await StoreConformance.seqsAreGaplessInCommitOrder(Self.make)
    }

    @Test func idempotencyAndConflicts() async throws {
        try await StoreConformance.idempotencyAndConflicts(Self.make)
    }

    @Test func roundTrip() async throws {
        try await StoreConformance.roundTrip(Self.make)
    }

    @Test func filtersAndPagination() async throws {
        try await StoreConformance.filtersAndPagination(Self.make)
    }

    @Test func accessReports() async throws {
        try await StoreConformance.accessReports(Self.make)
    }

    @Test func concurrentWritersGetGaplessSeqs() async throws {
        try await StoreConformance.concurrentWritersGetGaplessSeqs(Self.make)
    }
}

@Suite("SQLite ledger conformance")
struct SQLiteLedgerConformanceTests {
    static let make: LedgerConformance.Factory = {
        let dir = try TemporaryDirectory()
        return try SQLiteStore(directory: dir.path)
    }

    @Test func everyEventIsALeaf() async throws {
        try await LedgerConformance.everyEventIsALeaf(Self.make)
    }

    @Test func tilesFollowTheTree() async throws {
        try await LedgerConformance.tilesFollowTheTree(Self.make)
    }

    @Test func checkpointsAreKept() async throws {
        try await LedgerConformance.checkpointsAreKept(Self.make)
    }
}
