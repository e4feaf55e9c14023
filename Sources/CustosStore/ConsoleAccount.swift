public import CustosCore

/// What a console account may see and do.
public enum ConsoleRole: String, Sendable, Hashable, CaseIterable {
    /// Oversees the officers of their own org units.
    case supervisor
    /// Sees everything and produces subject reports.
    case privacyOfficer = "privacy-officer"
    /// Reads the ledger and reports; changes nothing.
    case auditor
    /// Manages accounts, rules and policies.
    case admin
}

/// A person who signs in to the console, bound to an actor of the directory so that their own activity is
/// recognisable (and their page views are recorded as theirs).
public struct ConsoleAccount: Sendable, Hashable {
    /// The sign-in name.
    public var username: String
    /// The bcrypt hash of the password.
    public var passwordHash: String
    /// What the account may do.
    public var role: ConsoleRole
    /// The actor of the directory this account belongs to.
    public var actor: String
    /// The org units a supervisor oversees (empty for the other roles).
    public var orgUnits: [String]
    /// When it was created.
    public var created: Timestamp
    /// When it was disabled, if it was.
    public var disabled: Timestamp?

    /// Creates an account record.
    public init(
        username: String,
        passwordHash: String,
        role: ConsoleRole,
        actor: String,
        orgUnits: [String] = [],
        created: Timestamp,
        disabled: Timestamp? = nil
    ) {
        self.username = username
        self.passwordHash = passwordHash
        self.role = role
        self.actor = actor
        self.orgUnits = orgUnits
        self.created = created
        self.disabled = disabled
    }
}

/// Where console accounts are kept.
public protocol ConsoleAccountStore: Sendable {
    /// Stores a new account; false (and nothing stored) when the username is taken.
    func insertAccount(_ account: ConsoleAccount) async throws -> Bool
    /// The account with this username, disabled or not.
    func account(username: String) async throws -> ConsoleAccount?
    /// Every account, by username.
    func allAccounts() async throws -> [ConsoleAccount]
    /// Marks an account disabled; false when there is no such account or it was already disabled.
    func disableAccount(username: String, at time: Timestamp) async throws -> Bool
}
