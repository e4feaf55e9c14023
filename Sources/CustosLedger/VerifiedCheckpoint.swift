/// A checkpoint whose note was verified by at least one trusted key, together with that note.
public struct VerifiedCheckpoint: Hashable, Sendable {
    /// The parsed checkpoint body.
    public var checkpoint: Checkpoint

    /// The verified note carrying it, with the signatures that verified and those that were ignored.
    public var note: VerifiedNote
}
