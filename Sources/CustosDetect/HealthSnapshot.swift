/// The ``HealthMonitor``'s state, to persist (it is Codable) and restore after a restart so that neither the learnt
/// gaps nor already-reported silences are lost or repeated.
public struct HealthSnapshot: Sendable, Hashable, Codable {
    /// The format version.
    public var version = 1
    /// Per-source state by app.
    var sources: [String: SourceHealth]
    /// The event time at which the sources are next checked for silence.
    var nextCheckMilliseconds: Int64
    /// Events processed (the position used as evidence index when events carry no `seq`).
    public var processedEventCount: Int64

    init(sources: [String: SourceHealth], nextCheckMilliseconds: Int64, processedEventCount: Int64) {
        self.sources = sources
        self.nextCheckMilliseconds = nextCheckMilliseconds
        self.processedEventCount = processedEventCount
    }
}
