/// How a finding cites one contributing event: its ledger index (or stream position) and its client id.
public struct EventReference: Sendable, Hashable, Codable {
    /// The event's `seq` when it was given, else its 0-based position in the stream the engine has seen.
    public var index: Int64
    /// The client's event id, if any.
    public var id: String?

    /// Creates a reference.
    public init(index: Int64, id: String? = nil) {
        self.index = index
        self.id = id
    }
}
