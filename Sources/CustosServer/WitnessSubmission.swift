import CustosLedger

/// How one submission of a checkpoint to one witness ended (``WitnessSubmitter``).
enum WitnessSubmission: Sendable, Hashable {
    /// The witness cosigned; these are its verified cosignature lines.
    case cosigned([NoteSignature])
    /// The witness answered but did not cosign: the HTTP status (0 when the answer itself was unusable) and why.
    case refused(status: Int, reason: String)
    /// The witness could not be reached; tried again later.
    case unreachable(String)

    /// A short, stable label for logs and events.
    var label: String {
        switch self {
        case .cosigned: "cosigned"
        case .refused(let status, _): "refused-\(status)"
        case .unreachable: "unreachable"
        }
    }
}
