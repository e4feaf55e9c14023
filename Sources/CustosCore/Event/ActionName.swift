/// The grammar of action names: a lowercase verb, or dot-separated lowercase segments (`casebook.merge`).
public enum ActionName {
    /// The verbs every host shares (docs/events.md).
    public static let standardVerbs: Set<String> = [
        "search", "view", "export", "print", "share", "create", "update", "delete", "login", "logout", "authorize",
    ]

    /// Whether `name` is one or more segments of `[a-z][a-z0-9_-]*` joined by dots.
    public static func isWellFormed(_ name: String) -> Bool {
        var atSegmentStart = true
        for b in name.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): atSegmentStart = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                if atSegmentStart { return false }
            case UInt8(ascii: "."):
                if atSegmentStart { return false }
                atSegmentStart = true
            default: return false
            }
        }
        return !atSegmentStart
    }
}
