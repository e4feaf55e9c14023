/// Something that turns a stream of events into findings and can save and resume its state: the Sigma
/// ``DetectionEngine``, and baseline detectors alike. The live detection service runs every source over every
/// committed event, in `seq` order, and checkpoints their states together with the `seq` they cover.
public protocol FindingSource: Sendable {
    /// Processes one event; returns the findings it produces.
    mutating func process(_ event: DetectionEvent) -> [Finding]
    /// The source's state as bytes (JSON), to persist.
    func snapshotData() throws -> [UInt8]
    /// Resumes from bytes that ``snapshotData()`` returned.
    mutating func restore(data: [UInt8]) throws
}
