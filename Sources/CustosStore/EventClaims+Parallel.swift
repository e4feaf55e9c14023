public import CustosCore
import Foundation

extension EventClaims {
    /// ``commit(_:)-([AccessEvent])`` spread over the processor's cores for large batches (each chunk draws its own
    /// salts); the same result shape, in order.
    public static func commitInParallel(_ events: [AccessEvent]) -> [CommittedEvent] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, events.count / 128, 8)
        guard workers > 1 else { return commit(events) }
        let chunk = (events.count + workers - 1) / workers
        let results = ChunkResults(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let start = w * chunk
            let end = min(start + chunk, events.count)
            results.set(w, start < end ? commit(Array(events[start..<end])) : [])
        }
        return results.joined()
    }
}

/// The per-chunk results of ``EventClaims/commitInParallel(_:)``, written by concurrent workers.
private final class ChunkResults: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [[CommittedEvent]]

    init(count: Int) {
        chunks = Array(repeating: [], count: count)
    }

    func set(_ index: Int, _ value: [CommittedEvent]) {
        lock.withLock { chunks[index] = value }
    }

    func joined() -> [CommittedEvent] {
        lock.withLock { chunks.flatMap { $0 } }
    }
}
