/// A notification kind that cannot be sent as the `Custos-Event` header.
public struct WebhookKindError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind given.
    public var kind: String

    /// Whether `kind` can be sent: 1 to 128 ASCII letters, digits, `.`, `_` or `-`.
    public static func isValid(_ kind: String) -> Bool {
        (1...128).contains(kind.utf8.count)
            && kind.unicodeScalars.allSatisfy {
                $0.isASCII && (Character($0).isLetter || Character($0).isNumber || "._-".unicodeScalars.contains($0))
            }
    }

    public var description: String {
        "notification kind '\(kind.prefix(140))' must be 1 to 128 letters, digits, '.', '_' or '-'"
    }
}
