import CustosCore
import CustosLedger
import CustosStore
import Logging

extension CheckpointPublisher {
    /// How long entries may wait for a checkpoint before the signer counts as stalled: ten intervals, at least a
    /// minute.
    public nonisolated var stallMilliseconds: Int64 { max(60_000, intervalMilliseconds * 10) }

    /// The newest checkpoint's age and the entries it does not cover, at `now`.
    public func status(now: Timestamp) async throws -> CheckpointStatus {
        let head = try await store.ledgerHead()
        guard let last = try await latestCheckpoint() else {
            return CheckpointStatus(ageSeconds: nil, uncoveredEntries: head.size, isStalled: head.size > 0)
        }
        let age = now.millisecondsSinceEpoch - last.createdMilliseconds
        let uncovered = head.size > last.size ? head.size - last.size : 0
        return CheckpointStatus(
            ageSeconds: Double(age) / 1000,
            uncoveredEntries: uncovered,
            isStalled: uncovered > 0 && age > stallMilliseconds
        )
    }

    /// Logs a warning when the signer stalls (entries waiting longer than ``stallMilliseconds``) and a notice when
    /// it signs again; checks every `everySeconds` until the task is cancelled.
    public func watch(logger: Logger, everySeconds: Int = 15, clock: @escaping @Sendable () -> Timestamp) async {
        var stalled = false
        while !Task.isCancelled {
            if let status = try? await status(now: clock()), status.isStalled != stalled {
                stalled = status.isStalled
                if stalled {
                    logger.warning(
                        "checkpoint signer stalled",
                        metadata: [
                            "age_seconds": "\(Int(status.ageSeconds ?? 0))",
                            "uncovered_entries": "\(status.uncoveredEntries)",
                        ]
                    )
                } else {
                    logger.notice("checkpoint signer signs again")
                }
            }
            try? await Task.sleep(for: .seconds(everySeconds))
        }
    }
}
