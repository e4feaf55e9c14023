/// The distinct field paths a rule set reads, numbered, so that an event's value at each path is looked up at most
/// once per event (by ``EventFieldValues``) however many rules test it.
struct FieldSlots: Sendable {
    /// The paths, by slot number.
    private(set) var paths: [FieldPath] = []
    private var numbers: [String: Int] = [:]

    /// No paths yet.
    init() {}

    /// The slot of a path, numbering it when it is new.
    mutating func slot(for path: FieldPath) -> Int {
        if let number = numbers[path.text] { return number }
        let number = paths.count
        paths.append(path)
        numbers[path.text] = number
        return number
    }
}
