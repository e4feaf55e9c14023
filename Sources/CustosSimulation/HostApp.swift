/// The host applications that report events.
enum HostApp {
    /// Single sign-on: logins and logouts.
    static let sso = "sso"
    /// The records system (persons).
    static let records = "records"
    /// The vehicle registry lookup.
    static let dmv = "dmv-lookup"
    /// The address lookup.
    static let geo = "geo-lookup"
    /// The case management system.
    static let casebook = "casebook"
    /// The administration console.
    static let adminConsole = "admin-console"
}
