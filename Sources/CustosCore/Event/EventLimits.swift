/// The sizes an accepted event may not exceed (docs/events.md lists them).
public struct EventLimits: Sendable, Hashable {
    /// Most characters in an identifier (event id, actor id, session, dataset, app, …).
    public var identifierLength = 256
    /// Most characters in a display name, org unit, device or resource type.
    public var nameLength = 256
    /// Most characters in a resource id.
    public var resourceIDLength = 1024
    /// Most bytes of query text.
    public var queryBytes = 65_536
    /// Most bytes of a purpose's reason.
    public var reasonBytes = 4096
    /// Most subjects in one event.
    public var subjects = 10_000
    /// Most roles or labels in one list.
    public var listItems = 64
    /// Most bytes of the canonical `attributes` object.
    public var attributesBytes = 65_536
    /// Largest `rows` or `bytes` value (2^53 − 1, exact in every JSON reader).
    public var maximumCount: Int64 = 9_007_199_254_740_991

    /// The default limits.
    public init() {}
}
