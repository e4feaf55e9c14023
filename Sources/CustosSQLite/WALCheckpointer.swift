import GRDB
import Synchronization

/// Copies the store's write-ahead log into its database file on a connection of its own, so that ingest commits do
/// not pay for it (docs/storage.md, "Ingest path").
///
/// SQLite's automatic checkpoint runs in the committing connection, after every commit that leaves 1,000 pages in the
/// log: on the writer, between one group commit and the next. With it off on the writer, this task checkpoints
/// (`PASSIVE`: it never waits for the writer or readers) after each commit. The log starts over only when a write
/// transaction begins with every frame already copied, which a task racing the writer rarely sees; so once the log
/// holds ``restartFrames`` frames the writer copies the few frames left itself, right after its commit, and its next
/// transaction starts the log over.
final class WALCheckpointer: Sendable {
    /// The log's length, in frames, from which the writer closes the gap after its commit.
    let restartFrames: Int
    private let queue: DatabaseQueue
    private let wake: AsyncStream<Void>.Continuation
    private let wakeups: AsyncStream<Void>
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Where the checkpoints run, at a lower priority than the writer (``BackgroundThread``).
    private let thread = Mutex<BackgroundThread?>(nil)
    /// Frames in the log at the last checkpoint (of either connection).
    private let logFrames = Atomic<Int>(0)

    /// A checkpointer for the store file at `path` (it does nothing until ``start()``).
    init(path: String, restartFrames: Int) throws {
        _ = SQLiteLibrary.configured
        var config = Configuration()
        config.label = "custos-checkpoint"
        queue = try DatabaseQueue(path: path, configuration: config)
        self.restartFrames = restartFrames
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts the background task.
    func start() {
        let thread = BackgroundThread(name: "custos-checkpointer")
        self.thread.withLock { $0 = thread }
        let running = Task.detached { [weak self, wakeups] in
            for await _ in wakeups {
                guard let self, !Task.isCancelled else { return }
                let queue = queue
                // Busy when the writer is closing the gap at the same moment: the next commit asks again.
                if let result = try? await thread.run({
                    try queue.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                }) {
                    logFrames.store(result.walFrameCount, ordering: .relaxed)
                }
            }
        }
        task.withLock { $0 = running }
    }

    /// Tells the task that the writer committed (cheap; calls while it is busy fold into one).
    func nudge() { wake.yield() }

    /// Called by the writer on its own connection after a commit: when the log has grown to ``restartFrames``, copies
    /// what the task has not yet, so that the next transaction starts the log over. Never throws: the commit stands
    /// whatever a checkpoint does.
    func closeGapIfLong(_ db: Database) {
        guard logFrames.load(ordering: .relaxed) >= restartFrames else { return }
        if let result = try? db.checkpoint(.passive) {
            let left = result.walFrameCount - result.checkpointedFrameCount
            logFrames.store(left == 0 ? 0 : result.walFrameCount, ordering: .relaxed)
        }
    }

    /// Stops the background task.
    func stop() {
        wake.finish()
        task.withLock { $0?.cancel() }
        thread.withLock { $0?.close() }
    }
}
