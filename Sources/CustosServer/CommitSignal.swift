import Synchronization

/// Wakes the detection service after ingest commits: ``signal()`` is cheap and never blocks the writer; a waiter
/// resumes at the next signal or after its timeout, whichever is first (polling is the fallback).
public final class CommitSignal: Sendable {
    private let pending = Mutex<Bool>(false)

    /// Creates a signal.
    public init() {}

    /// Notes that something was committed.
    public func signal() {
        pending.withLock { $0 = true }
    }

    /// Waits until a signal arrives (checking every `pollMilliseconds`) or `timeoutMilliseconds` pass.
    public func wait(timeoutMilliseconds: Int, pollMilliseconds: Int = 20) async {
        var waited = 0
        while waited < timeoutMilliseconds {
            if pending.withLock({ p in
                defer { p = false }
                return p
            }) {
                return
            }
            try? await Task.sleep(for: .milliseconds(pollMilliseconds))
            waited += pollMilliseconds
        }
    }
}
