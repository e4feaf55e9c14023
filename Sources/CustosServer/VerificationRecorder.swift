import CustosCore
import CustosStore
import Logging

/// Records the result of each run of the ledger verification as a `custos.verify` event (outcome `success` or
/// `failure`), so that a failed verification reaches detection (rules/verification_failed.yml) and the ledger
/// itself keeps the history of its checks.
public struct VerificationRecorder: Sendable {
    /// Where the event goes: the same pipeline as every other event.
    let pipeline: IngestPipeline
    /// The time the event carries.
    let clock: @Sendable () -> Timestamp

    /// Creates a recorder that submits to `pipeline`.
    public init(pipeline: IngestPipeline, clock: @escaping @Sendable () -> Timestamp = CustosAPI.systemClock) {
        self.pipeline = pipeline
        self.clock = clock
    }

    /// The event for one finished run, asked for by `requester` (an overseer's actor id), if known.
    public func event(for outcome: ConsoleVerificationOutcome, requester: String?) -> AccessEvent {
        var attributes = JSONObject()
        attributes["tree_size"] = .integer(Int64(clamping: outcome.treeSize))
        attributes["checkpoints_verified"] = .integer(Int64(outcome.checkpointsVerified))
        if let first = outcome.firstBadEntry { attributes["first_bad_seq"] = .integer(Int64(clamping: first)) }
        if let problem = outcome.problems.first { attributes["problem"] = .string(String(problem.prefix(500))) }
        attributes["problems"] = .integer(Int64(outcome.problems.count))
        if let requester { attributes["requested_by"] = .string(String(requester.prefix(256))) }
        return AccessEvent(
            time: clock(),
            actor: Actor(id: "custos", session: "verify"),
            action: "custos.verify",
            resource: Resource(type: "custos.ledger", id: "ledger/\(outcome.treeSize)"),
            outcome: outcome.valid ? .success : .failure,
            app: "custos",
            attributes: attributes
        )
    }

    /// Submits the event for `outcome`; a failure to record is logged, not thrown, since the run itself finished.
    public func record(_ outcome: ConsoleVerificationOutcome, requester: String?, logger: Logger) async {
        do {
            _ = try await pipeline.submit([event(for: outcome, requester: requester)])
        } catch {
            logger.error("cannot record the verification result", metadata: ["valid": "\(outcome.valid)"])
        }
    }
}
