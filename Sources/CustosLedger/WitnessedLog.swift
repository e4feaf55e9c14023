/// A log a witness vouches for: its origin line and the keys whose checkpoint signatures the witness trusts.
public struct WitnessedLog: Sendable {
    /// The checkpoint origin line.
    public var origin: String
    /// The log's checkpoint verifiers (at least one).
    public var verifiers: [any NoteVerifier]

    /// Creates a log entry of a witness's configuration.
    public init(origin: String, verifiers: [any NoteVerifier]) {
        self.origin = origin
        self.verifiers = verifiers
    }
}
