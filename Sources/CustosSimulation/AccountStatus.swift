/// The directory status of a user account, as the HR system reports it at the end of the simulated period.
enum AccountStatus: String, Sendable, Hashable {
    /// The account is in use.
    case active
    /// The account was suspended (leave, investigation); it should no longer be used.
    case disabled
    /// The employee left; the account should no longer be used.
    case terminated
}
