/// What a witness answers to one C2SP tlog-witness `add-checkpoint` request (``CheckpointWitness``).
public enum WitnessDecision: Hashable, Sendable {
    /// 200: the checkpoint is consistent with the witness's record; keep `record` (before answering) and send the
    /// cosignature line.
    case cosigned(record: WitnessRecord, cosignature: NoteSignature)
    /// 400: the request is malformed, its checkpoint does not parse, or its old size exceeds the checkpoint size.
    case badRequest(String)
    /// 403: no checkpoint signature verifies with a key the witness trusts for the origin.
    case untrusted(String)
    /// 404: the witness does not witness the checkpoint's origin.
    case unknownLog(String)
    /// 409: the old size is not the size of the latest checkpoint the witness cosigned (`latestSize`); the log
    /// should retry with a proof from `latestSize`.
    case staleOldSize(latestSize: UInt64)
    /// 409: the checkpoint has the size of the witness's latest cosigned checkpoint but another root: a fork.
    case rootConflict(latestSize: UInt64, String)
    /// 422: the consistency proof does not verify against the witness's record: a fork or a bad proof.
    case inconsistent(String)

    /// The HTTP status the tlog-witness protocol prescribes.
    public var httpStatus: Int {
        switch self {
        case .cosigned: 200
        case .badRequest: 400
        case .untrusted: 403
        case .unknownLog: 404
        case .staleOldSize, .rootConflict: 409
        case .inconsistent: 422
        }
    }

    /// Why the request was refused; nil when it was cosigned.
    public var reason: String? {
        switch self {
        case .cosigned: nil
        case .badRequest(let r), .untrusted(let r), .unknownLog(let r), .inconsistent(let r): r
        case .staleOldSize(let size): "old size does not match the latest cosigned size \(size)"
        case .rootConflict(_, let r): r
        }
    }
}
