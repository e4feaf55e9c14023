public import CustosCore

/// Reading every event of a time range in commit order, for replays such as rule back-tests.
///
/// A filtered, paged ``EventStore/events(_:)`` is built for pages a person reads; replaying a whole range through
/// it can cost a sort of the range per page. A store that conforms walks its commit order between the first and
/// last `seq` of the range instead, so a replay costs one pass.
public protocol EventRangeScanning: Sendable {
    /// The lowest and highest `seq` of the events whose time lies in `range`; nil when there is none.
    func seqBounds(of range: TimeRange) async throws -> ClosedRange<Int64>?

    /// The events with a `seq` in `seqs` and a time in `range`, in `seq` order, at most `limit`.
    func events(seqs: ClosedRange<Int64>, in range: TimeRange, limit: Int) async throws -> [StoredEvent]
}
