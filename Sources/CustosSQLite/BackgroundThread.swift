import Foundation
import Synchronization

/// A thread of the store's own at a lower scheduling priority, for its background database work: the posting
/// indexer's chunks and merges, and WAL checkpoints (docs/storage.md, "Ingest path").
///
/// When every core is busy, the writer — whose commits acknowledge clients — and the request handlers run first, and
/// this work takes what is left. It cannot fall behind for long: the writer waits once the indexer is
/// `pendingPostingsLimit` events behind, and closes the log's gap itself when the checkpoints lag. The nice value is
/// per thread on Linux, so only this thread is lowered; GRDB runs a synchronous access on the calling thread.
final class BackgroundThread: Sendable {
    /// The nice value the thread runs at (0 is the default, 19 the lowest priority); a process started at a higher
    /// (lower-priority) value keeps its own, since an unprivileged thread cannot lower its nice value.
    static let niceness: Int32 = 10

    private struct Jobs {
        var queue: [@Sendable () -> Void] = []
        var closed = false
    }

    private let jobs = Mutex(Jobs())
    private let available = DispatchSemaphore(value: 0)

    /// Starts the thread, named `name`.
    init(name: String) {
        let thread = Thread { [self] in
            #if os(Linux)
            // `who` 0 is the calling thread; a failure leaves the thread at the process's priority.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
            #endif
            while true {
                available.wait()
                let next = jobs.withLock { jobs -> (@Sendable () -> Void)?? in
                    if !jobs.queue.isEmpty { return jobs.queue.removeFirst() }
                    return jobs.closed ? .some(nil) : nil
                }
                switch next {
                case .some(.some(let job)): job()
                case .some(.none): return
                case .none: continue
                }
            }
        }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the thread and returns what it returns; throws `CancellationError` once the thread is closed.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let queued = jobs.withLock { jobs in
                guard !jobs.closed else { return false }
                jobs.queue.append { continuation.resume(with: Result(catching: body)) }
                return true
            }
            if queued {
                available.signal()
            } else {
                continuation.resume(throwing: CancellationError())
            }
        }
    }

    /// Lets the thread finish the jobs already queued and end; later ``run(_:)`` calls throw.
    func close() {
        let first = jobs.withLock { jobs in
            defer { jobs.closed = true }
            return !jobs.closed
        }
        if first { available.signal() }
    }
}
