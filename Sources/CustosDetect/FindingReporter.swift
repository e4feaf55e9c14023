/// Turns the engine's ``Finding``s into ``ReportedFinding``s. It remembers which actor each event was (interned, so
/// a million events cost a few tens of MB), so a correlation that is not grouped by `actor.id` is attributed to the
/// actor of its first evidence event.
///
/// ```swift
/// var reporter = FindingReporter()
/// reporter.observe(event)                              // before engine.process(event)
/// let lines = engine.process(event).map { reporter.report($0, eventActor: actor) }
/// ```
public struct FindingReporter: Sendable {
    private var actorNames: [String] = []
    private var actorNumbers: [String: Int32] = [:]
    private var actorOfEvent: [Int64: Int32] = [:]

    /// Creates a reporter that has seen no events.
    public init() {}

    /// Remembers the actor of the event at `index` (its `seq`, or its position in the stream).
    public mutating func observe(actor: String?, index: Int64) {
        guard let actor else { return }
        let number: Int32
        if let known = actorNumbers[actor] {
            number = known
        } else {
            number = Int32(truncatingIfNeeded: actorNames.count)
            actorNames.append(actor)
            actorNumbers[actor] = number
        }
        actorOfEvent[index] = number
    }

    /// The finding as reported. `eventActor` is the actor of the event being processed, used for a single-event
    /// match; a correlation takes its `actor.id` group, else the actor of its first evidence event.
    public func report(_ finding: Finding, eventActor: String?) -> ReportedFinding {
        ReportedFinding(
            finding,
            matchActor: finding.kind == .match ? eventActor : nil,
            evidenceActor: { actorOfEvent[$0.index].map { actorNames[Int($0)] } },
            evidenceID: { _ in nil }
        )
    }
}
