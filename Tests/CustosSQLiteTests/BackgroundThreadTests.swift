import Foundation
import Testing

@testable import CustosSQLite

/// The store's background thread runs its jobs in order, at its lower priority, hands back results and errors, and
/// ends once closed without dropping a queued job.
@Suite("Background thread", .timeLimit(.minutes(1)))
struct BackgroundThreadTests {
    private struct Failure: Error, Equatable {}

    @Test("jobs run at the thread's lower priority, with results and errors handed back")
    func runsJobs() async throws {
        let thread = BackgroundThread(name: "test-background")
        defer { thread.close() }
        var values: [Int] = []
        for i in 0..<20 {
            values.append(try await thread.run { i * i })
        }
        #expect(values == (0..<20).map { $0 * $0 })
        await #expect(throws: Failure.self) { try await thread.run { () throws -> Int in throw Failure() } }
        #if os(Linux)
        // The nice value is per thread on Linux: the job sees its thread's (the process's main thread started at the
        // default, unless the whole process runs lower already).
        let niceness = try await thread.run { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
        let processNiceness = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(getpid()))
        #expect(niceness == max(BackgroundThread.niceness, processNiceness))
        #endif
    }

    @Test("a closed thread finishes what was queued and refuses new jobs")
    func closes() async throws {
        let thread = BackgroundThread(name: "test-background-close")
        let gate = DispatchSemaphore(value: 0)
        let first = Task {
            try await thread.run {
                gate.wait()
                return 1
            }
        }
        let second = Task { try await thread.run { 2 } }
        // Give both jobs time to be queued behind the gate before the thread is closed.
        try await Task.sleep(for: .milliseconds(100))
        thread.close()
        gate.signal()
        #expect(try await first.value == 1)
        #expect(try await second.value == 2)
        await #expect(throws: CancellationError.self) { try await thread.run { 3 } }
    }
}
