/// One rule of the loaded rule pack, as the console lists it.
public struct ConsoleRule: Sendable, Hashable {
    /// The rule's title.
    public var title: String
    /// Its level (`low` … `critical`), if given.
    public var level: String?
    /// Its description, if given.
    public var description: String?
    /// The file it came from, relative to the rules directory.
    public var file: String

    /// Creates a rule entry.
    public init(title: String, level: String?, description: String?, file: String) {
        self.title = title
        self.level = level
        self.description = description
        self.file = file
    }
}

/// The outcome of one run of the store's ledger verification, as the console shows it.
public struct ConsoleVerificationOutcome: Sendable, Hashable {
    /// Whether every entry and checkpoint matched.
    public var valid: Bool
    /// Entries recomputed.
    public var treeSize: UInt64
    /// Signed checkpoints that matched.
    public var checkpointsVerified: Int
    /// What failed, if anything.
    public var problems: [String]
    /// The first entry (seq) found altered, removed or reordered, when known.
    public var firstBadEntry: UInt64?

    /// Creates an outcome.
    public init(
        valid: Bool,
        treeSize: UInt64,
        checkpointsVerified: Int,
        problems: [String],
        firstBadEntry: UInt64? = nil
    ) {
        self.valid = valid
        self.treeSize = treeSize
        self.checkpointsVerified = checkpointsVerified
        self.problems = problems
        self.firstBadEntry = firstBadEntry
    }
}

/// What the console shows beyond the store: the rule pack, the policy text, how it verifies the ledger, and
/// whether its cookies are marked Secure (when served over TLS).
public struct ConsoleConfiguration: Sendable {
    /// The rule pack's rules.
    public var rules: [ConsoleRule]
    /// Where the rules came from.
    public var rulesDirectory: String?
    /// The text of the data directory's policies.cedar, if there is one.
    public var policyText: String?
    /// Runs the store's full ledger verification; nil hides the "verify now" action.
    public var verify: (@Sendable () async throws -> ConsoleVerificationOutcome)?
    /// Whether the session cookie carries `Secure`.
    public var secureCookies: Bool
    /// How long a session lives without use, in milliseconds.
    public var idleMilliseconds: Int64
    /// How long a session lives at most, in milliseconds.
    public var absoluteMilliseconds: Int64

    /// Creates a configuration.
    public init(
        rules: [ConsoleRule] = [],
        rulesDirectory: String? = nil,
        policyText: String? = nil,
        verify: (@Sendable () async throws -> ConsoleVerificationOutcome)? = nil,
        secureCookies: Bool = false,
        idleMilliseconds: Int64 = 30 * 60_000,
        absoluteMilliseconds: Int64 = 12 * 3_600_000
    ) {
        self.rules = rules
        self.rulesDirectory = rulesDirectory
        self.policyText = policyText
        self.verify = verify
        self.secureCookies = secureCookies
        self.idleMilliseconds = idleMilliseconds
        self.absoluteMilliseconds = absoluteMilliseconds
    }
}
