import CustosCore

/// One event's values at the numbered paths of a ``FieldSlots``, each looked up on first use and then remembered, so
/// that rules testing the same field share one lookup; and the results of the numbered tests of a
/// ``FieldTestTable``, each evaluated on first use and then remembered, so that rules sharing a condition share its
/// evaluation.
struct EventFieldValues {
    private enum Entry {
        case unread
        case read(JSONValue?)
    }

    /// A test's remembered result.
    private enum Result: UInt8 {
        case unknown
        case failed
        case held
    }

    /// The event.
    let event: DetectionEvent
    private let paths: [FieldPath]
    private var entries: [Entry]
    private var results: [Result]

    /// Values of an event at the given paths (by slot), none read yet, and room for the results of `testCount`
    /// numbered tests.
    init(_ event: DetectionEvent, paths: [FieldPath], testCount: Int) {
        self.event = event
        self.paths = paths
        self.entries = [Entry](repeating: .unread, count: paths.count)
        self.results = [Result](repeating: .unknown, count: testCount)
    }

    /// The value at a slot's path (``DetectionEvent/value(at:)``), or nil when absent.
    mutating func value(_ slot: Int) -> JSONValue? {
        if case .read(let value) = entries[slot] { return value }
        let value = event.value(at: paths[slot])
        entries[slot] = .read(value)
        return value
    }

    /// A numbered test's result when it has been evaluated for this event.
    func knownResult(_ id: Int) -> Bool? {
        switch results[id] {
        case .held: true
        case .failed: false
        case .unknown: nil
        }
    }

    /// Whether the event passes a numbered test, evaluated on the first call only.
    mutating func passes(_ test: CompiledFieldTest) -> Bool {
        switch results[test.id] {
        case .held: return true
        case .failed: return false
        case .unknown:
            let holds = test.evaluate(&self)
            results[test.id] = holds ? .held : .failed
            return holds
        }
    }
}
