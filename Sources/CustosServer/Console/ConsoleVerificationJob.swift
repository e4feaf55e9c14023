import CustosCore
import Foundation
import Synchronization

/// The "verify now" job of the ledger page: at most one run at a time, in the background; its state is polled.
final class ConsoleVerificationJob: Sendable {
    enum State: Sendable {
        case idle
        case running(started: Timestamp)
        case finished(ConsoleVerificationOutcome, finished: Timestamp, seconds: Double)
        case failed(String, finished: Timestamp)
    }

    private let state = Mutex<State>(.idle)

    /// Starts `verify` unless a run is under way; false when one was.
    func start(
        now: Timestamp,
        clock: @escaping @Sendable () -> Timestamp,
        verify: @escaping @Sendable () async throws -> ConsoleVerificationOutcome
    ) -> Bool {
        let started = state.withLock { s -> Bool in
            if case .running = s { return false }
            s = .running(started: now)
            return true
        }
        guard started else { return false }
        Task.detached {
            do {
                let outcome = try await verify()
                let end = clock()
                let seconds = Double(end.millisecondsSinceEpoch - now.millisecondsSinceEpoch) / 1000
                self.state.withLock { $0 = .finished(outcome, finished: end, seconds: seconds) }
            } catch {
                self.state.withLock { $0 = .failed("verification could not run: \(error)", finished: clock()) }
            }
        }
        return true
    }

    /// The state now.
    var current: State { state.withLock { $0 } }

    /// `running`, `passed`, `failed` or `idle`, and a sentence for people.
    func summary(now: Timestamp) -> (state: String, message: String, passed: Bool?) {
        switch current {
        case .idle:
            return ("idle", "Not verified since the server started.", nil)
        case .running(let started):
            let s = Double(now.millisecondsSinceEpoch - started.millisecondsSinceEpoch) / 1000
            return ("running", "Verifying: recomputing every leaf and checkpoint… (\(Int(s)) s so far)", nil)
        case .finished(let o, let finished, let seconds):
            let when = ConsoleFormat.time(finished)
            if o.valid {
                return (
                    "passed",
                    "Passed at \(when): \(o.treeSize) entries recomputed, \(o.checkpointsVerified) signed checkpoints "
                        + "match (\(String(format: "%.1f", seconds)) s).", true
                )
            }
            return ("failed", "FAILED at \(when): " + o.problems.prefix(3).joined(separator: "; "), false)
        case .failed(let message, let finished):
            return ("failed", "FAILED at \(ConsoleFormat.time(finished)): \(message)", false)
        }
    }
}
