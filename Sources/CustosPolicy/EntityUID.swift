/// The unique identifier of an entity: its (possibly namespaced) type and its id, as in `Photos::User::"alice"`.
public struct EntityUID: Sendable, Hashable, CustomStringConvertible {
    /// The entity type, with namespaces joined by `::` (for example `Photos::User`).
    public var type: String
    /// The entity id (any string).
    public var id: String

    /// Creates an entity identifier.
    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }

    /// The Cedar literal, for example `User::"alice"` (the id is escaped).
    public var description: String { "\(type)::\(CedarStringEscaping.quoted(id))" }
}

/// Escapes strings the way Cedar prints string literals.
enum CedarStringEscaping {
    /// `s` in double quotes with `\"`, `\\` and control characters escaped.
    static func quoted(_ s: String) -> String { "\"" + escaped(s) + "\"" }

    /// `s` with `\"`, `\\` and control characters escaped (no surrounding quotes); `*` is escaped too when
    /// `escapingStars` is set (for literal stars in `like` patterns).
    static func escaped(_ s: String, escapingStars: Bool = false) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            case "*" where escapingStars: out += "\\*"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
