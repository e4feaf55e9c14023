import CustosCore

/// One event's values at the numbered paths of a ``FieldSlots``, each looked up on first use and then remembered, so
/// that rules testing the same field share one lookup.
struct EventFieldValues {
    private enum Entry {
        case unread
        case read(JSONValue?)
    }

    /// The event.
    let event: DetectionEvent
    private let paths: [FieldPath]
    private var entries: [Entry]

    /// Values of an event at the given paths (by slot), none read yet.
    init(_ event: DetectionEvent, paths: [FieldPath]) {
        self.event = event
        self.paths = paths
        self.entries = [Entry](repeating: .unread, count: paths.count)
    }

    /// The value at a slot's path (``DetectionEvent/value(at:)``), or nil when absent.
    mutating func value(_ slot: Int) -> JSONValue? {
        if case .read(let value) = entries[slot] { return value }
        let value = event.value(at: paths[slot])
        entries[slot] = .read(value)
        return value
    }
}
