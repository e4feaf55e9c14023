import GRDB
import Synchronization

/// Keeps the packed rollup blocks (``SQLiteDatasetPackSchema``) up with the store: a background task that, whenever
/// ingest has committed, packs the buckets that have settled and those a late event changed, a few at a time, each
/// step its own short write transaction (``SQLiteStore/packStep(_:)``).
final class RollupPacker: Sendable {
    private let pool: DatabasePool
    private let wake: AsyncStream<Void>.Continuation
    private let wakeups: AsyncStream<Void>
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// A packer for the store whose database is `pool` (it does nothing until ``start()``).
    init(pool: DatabasePool) {
        self.pool = pool
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Starts the background task; it packs what the store already holds first.
    func start() {
        // The task holds the database weakly: a store that is gone is not kept open by its packer.
        let running = Task.detached { [weak pool, wakeups] in
            for await _ in wakeups {
                while !Task.isCancelled {
                    guard let pool else { return }
                    do {
                        // A read first: most commits settle nothing, and a read neither waits for the writer nor
                        // takes a turn on its queue.
                        guard try await pool.read({ db in try SQLiteStore.packWorkPending(db) }) else { break }
                        let packed = try await pool.writeWithoutTransaction(SQLiteStore.packStepInStoreTransaction)
                        if packed == false { break }
                    } catch {
                        // The rollup rows answer meanwhile; try again at the next commit.
                        break
                    }
                }
            }
        }
        task.withLock { $0 = running }
        wake.yield()
    }

    /// Tells the task that ingest committed (cheap; repeated calls while it is busy fold into one).
    func nudge() { wake.yield() }

    /// Stops the background task (what it has not packed is packed after the next open).
    func stop() {
        wake.finish()
        task.withLock { $0?.cancel() }
    }
}
