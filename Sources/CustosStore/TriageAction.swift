public import CustosCore

/// A triage action on an alert.
public enum TriageAction: Sendable, Hashable {
    /// Give the alert to someone.
    case assign(String)
    /// Add a note.
    case comment(String)
    /// Say someone is looking (open → acknowledged).
    case acknowledge
    /// Close it with a disposition (open or acknowledged → resolved).
    case resolve(Disposition, note: String?)
    /// Open a resolved alert again.
    case reopen(note: String?)

    /// The action's name (`assign`, `comment`, `acknowledge`, `resolve`, `reopen`).
    public var name: String {
        switch self {
        case .assign: "assign"
        case .comment: "comment"
        case .acknowledge: "acknowledge"
        case .resolve: "resolve"
        case .reopen: "reopen"
        }
    }

    /// The action's text for the history: the assignee, the comment, the disposition and note.
    public var detail: String {
        switch self {
        case .assign(let who): who
        case .comment(let text): text
        case .acknowledge: ""
        case .resolve(let d, let note): d.rawValue + (note.map { ": " + $0 } ?? "")
        case .reopen(let note): note ?? ""
        }
    }
}

/// One entry of an alert's triage history.
public struct AlertNote: Sendable, Hashable {
    /// When.
    public var time: Timestamp
    /// Who (the API key's owner).
    public var by: String
    /// The action's name.
    public var action: String
    /// Its text.
    public var detail: String

    /// Creates a note.
    public init(time: Timestamp, by: String, action: String, detail: String) {
        self.time = time
        self.by = by
        self.action = action
        self.detail = detail
    }
}
