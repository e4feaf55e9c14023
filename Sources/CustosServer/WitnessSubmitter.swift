import AsyncHTTPClient
import CustosCore
import CustosLedger
import CustosStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The log side of C2SP tlog-witness: submits each new signed checkpoint, with its consistency proof from the size
/// the witness last cosigned, to every configured witness, and keeps the cosignatures they return.
///
/// A 409 answer names the witness's size; the submitter retries once with a proof from it. A refusal (or a witness
/// that cannot be reached) is logged, and recorded as a `custos.witness` event with outcome `failure` whenever a
/// witness's state changes from healthy to failing (or to another failure), so detection rules see it without one
/// event per checkpoint.
public actor WitnessSubmitter {
    /// The witnesses.
    public let witnesses: [WitnessEndpoint]
    private let publisher: CheckpointPublisher
    private let cosignatures: any CosignatureStore
    private let pipeline: IngestPipeline
    private let logger: Logger
    private let clock: @Sendable () -> Timestamp
    private let client: HTTPClient
    /// Per witness: the size it last cosigned, as far as this log knows.
    private var cosignedSize: [String: UInt64] = [:]
    /// Per witness: the checkpoint (size and root) last submitted to it, successfully or not.
    private var handled: [String: StoredCheckpoint] = [:]
    /// Per witness: the label of its last failure, nil while healthy.
    private var failing: [String: String] = [:]
    /// Per witness: when an unreachable witness is tried again (milliseconds since the epoch).
    private var retryAt: [String: Int64] = [:]

    /// The longest answer read from a witness.
    static let maximumAnswerBytes = 64 << 10
    /// How long one request may take.
    static let requestTimeout = TimeAmount.seconds(10)
    /// How long before an unreachable witness is tried again.
    static let retryMilliseconds: Int64 = 5000

    /// Creates a submitter for the checkpoints `publisher` signs.
    public init(
        witnesses: [WitnessEndpoint],
        publisher: CheckpointPublisher,
        cosignatures: any CosignatureStore,
        pipeline: IngestPipeline,
        logger: Logger,
        clock: @escaping @Sendable () -> Timestamp = CustosAPI.systemClock,
        client: HTTPClient = .shared
    ) {
        self.witnesses = witnesses
        self.publisher = publisher
        self.cosignatures = cosignatures
        self.pipeline = pipeline
        self.logger = logger
        self.clock = clock
        self.client = client
    }

    /// Submits the latest checkpoint to every witness that has not seen it yet.
    public func submitLatest() async {
        guard let checkpoint = try? await publisher.latestCheckpoint() else { return }
        for witness in witnesses {
            if let last = handled[witness.name], last.size == checkpoint.size, last.rootHash == checkpoint.rootHash {
                continue
            }
            if let at = retryAt[witness.name], clock().millisecondsSinceEpoch < at { continue }
            let outcome = await submit(checkpoint, to: witness)
            await settle(outcome, checkpoint: checkpoint, witness: witness)
        }
    }

    /// Submits new checkpoints every quarter second until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await submitLatest()
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    private func settle(_ outcome: WitnessSubmission, checkpoint: StoredCheckpoint, witness: WitnessEndpoint) async {
        switch outcome {
        case .cosigned(let lines):
            handled[witness.name] = checkpoint
            retryAt[witness.name] = nil
            cosignedSize[witness.name] = checkpoint.size
            for line in lines {
                do {
                    try await cosignatures.addCosignature(
                        StoredCosignature(
                            size: checkpoint.size,
                            rootHash: checkpoint.rootHash,
                            witness: witness.name,
                            line: String(line.line.dropLast()),
                            receivedMilliseconds: clock().millisecondsSinceEpoch
                        )
                    )
                } catch {
                    logger.error("cannot store a cosignature", metadata: ["witness": "\(witness.name)"])
                }
            }
            if failing.removeValue(forKey: witness.name) != nil {
                logger.notice("witness cosigns again", metadata: ["witness": "\(witness.name)"])
            }
            logger.debug(
                "checkpoint cosigned",
                metadata: ["witness": "\(witness.name)", "size": "\(checkpoint.size)"]
            )
        case .refused(let status, let reason):
            handled[witness.name] = checkpoint
            retryAt[witness.name] = nil
            logger.error(
                "witness refused the checkpoint",
                metadata: [
                    "witness": "\(witness.name)", "status": "\(status)", "size": "\(checkpoint.size)",
                    "reason": "\(reason)",
                ]
            )
            await recordFailure(outcome, reason: reason, checkpoint: checkpoint, witness: witness)
        case .unreachable(let reason):
            retryAt[witness.name] = clock().millisecondsSinceEpoch + Self.retryMilliseconds
            logger.warning(
                "witness unreachable",
                metadata: ["witness": "\(witness.name)", "size": "\(checkpoint.size)", "reason": "\(reason)"]
            )
            await recordFailure(outcome, reason: reason, checkpoint: checkpoint, witness: witness)
        }
    }

    /// Records a `custos.witness` failure event when the witness's failure state changed.
    private func recordFailure(
        _ outcome: WitnessSubmission,
        reason: String,
        checkpoint: StoredCheckpoint,
        witness: WitnessEndpoint
    ) async {
        guard failing[witness.name] != outcome.label else { return }
        failing[witness.name] = outcome.label
        var attributes = JSONObject()
        attributes["witness"] = .string(witness.name)
        attributes["result"] = .string(outcome.label)
        if case .refused(let status, _) = outcome { attributes["status"] = .integer(Int64(status)) }
        attributes["tree_size"] = .integer(Int64(clamping: checkpoint.size))
        attributes["reason"] = .string(String(reason.prefix(500)))
        let event = AccessEvent(
            time: clock(),
            actor: Actor(id: "custos", session: "witness:" + witness.name),
            action: "custos.witness",
            resource: Resource(type: "custos.checkpoint", id: "checkpoints/\(checkpoint.size)"),
            outcome: .failure,
            app: "custos",
            attributes: attributes
        )
        do {
            _ = try await pipeline.submit([event])
        } catch {
            logger.error("cannot record the witness failure", metadata: ["witness": "\(witness.name)"])
        }
    }

    /// One submission, with at most one retry after a 409 that names another size.
    func submit(_ checkpoint: StoredCheckpoint, to witness: WitnessEndpoint) async -> WitnessSubmission {
        var old: UInt64
        if let known = cosignedSize[witness.name] {
            old = known
        } else {
            old = (try? await cosignatures.latestCosignedSize(witness: witness.name)) ?? 0
        }
        var retried = false
        while true {
            guard old <= checkpoint.size else {
                return .refused(
                    status: 409,
                    reason: "the witness cosigned size \(old), larger than this checkpoint (\(checkpoint.size))"
                )
            }
            let proof: ConsistencyProof
            do {
                proof = try await TileProofs(store: publisher.store, cache: publisher.tileCache).consistency(
                    oldSize: old,
                    newSize: checkpoint.size
                )
            } catch {
                return .refused(status: 0, reason: "cannot build the consistency proof from \(old): \(error)")
            }
            let body = AddCheckpointRequest(
                oldSize: old,
                consistencyProof: proof.hashes,
                checkpointNote: Array(checkpoint.note.utf8)
            ).serializedBytes
            var request = HTTPClientRequest(url: witness.url + "/add-checkpoint")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: body))
            let status: Int
            let answer: [UInt8]
            do {
                let response = try await client.execute(request, timeout: Self.requestTimeout)
                status = Int(response.status.code)
                answer = Array(buffer: try await response.body.collect(upTo: Self.maximumAnswerBytes))
            } catch {
                return .unreachable("\(type(of: error))")
            }
            let text = String(decoding: answer, as: UTF8.self)
            switch status {
            case 200:
                return Self.verifiedCosignatures(answer, checkpoint: checkpoint, witness: witness)
            case 409:
                let named = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
                if let named, named != old, !retried {
                    cosignedSize[witness.name] = named
                    old = named
                    retried = true
                    continue
                }
                let detail = named.map { "the witness's size is \($0)" } ?? "no size given"
                return .refused(status: 409, reason: "conflict (\(detail)): the log and the witness disagree")
            default:
                return .refused(status: status, reason: String(text.prefix(300)))
            }
        }
    }

    /// The signature lines of a 200 answer that are valid cosignatures by the witness's key; a refusal if none is.
    static func verifiedCosignatures(
        _ answer: [UInt8],
        checkpoint: StoredCheckpoint,
        witness: WitnessEndpoint
    ) -> WitnessSubmission {
        guard let note = try? SignedNote(parsing: checkpoint.note),
            let cosigned = try? SignedNote(parsing: Array((note.text + "\n").utf8) + answer)
        else { return .refused(status: 0, reason: "the witness's answer is not signature lines") }
        let text = Array(note.text.utf8)
        let valid = cosigned.signatures.filter {
            $0.keyName == witness.verifier.keyName && $0.keyID == witness.verifier.keyID
                && witness.verifier.isValidSignature($0.signature, forNoteText: text)
        }
        guard !valid.isEmpty else {
            return .refused(status: 0, reason: "the witness's answer has no valid cosignature by its key")
        }
        return .cosigned(valid)
    }
}
