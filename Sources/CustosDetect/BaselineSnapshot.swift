/// The ``BaselineDetector``'s state, to persist (it is Codable) and restore after a restart so that neither history
/// nor already-reported findings are lost or repeated.
public struct BaselineSnapshot: Sendable, Hashable, Codable {
    /// The format version.
    public var version = 1
    /// Per-user state by actor id.
    var users: [String: UserBaseline]
    /// Events processed (the position used as evidence index when events carry no `seq`).
    public var processedEventCount: Int64

    init(users: [String: UserBaseline], processedEventCount: Int64) {
        self.users = users
        self.processedEventCount = processedEventCount
    }
}
