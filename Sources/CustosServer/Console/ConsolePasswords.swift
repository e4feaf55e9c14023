import HummingbirdBcrypt

/// Password hashing for console accounts: bcrypt, so a stolen database resists offline guessing.
public enum ConsolePasswords {
    /// The bcrypt cost used for new hashes.
    public static let cost: UInt8 = 12

    /// The bcrypt hash of `password`.
    public static func hash(_ password: String, cost: UInt8 = ConsolePasswords.cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` matches `hash`.
    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// Why a new password is refused, or nil when it is acceptable.
    public static func weakness(_ password: String) -> String? {
        if password.count < 12 { return "must be at least 12 characters" }
        if password.utf8.count > 72 { return "must be at most 72 bytes (bcrypt's limit)" }
        return nil
    }
}
