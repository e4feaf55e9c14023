import CustosCore
import CustosStore
import Hummingbird
import Mustache

/// The console's state inside one server: its stores, sessions, sign-in throttle, templates and verification job.
final class Console: Sendable {
    let accounts: any ConsoleAccountStore
    let activity: any ActivityStore
    let configuration: ConsoleConfiguration
    let sessions: ConsoleSessions
    let throttle = LoginThrottle()
    let verification = ConsoleVerificationJob()
    let peerChartInputs = ConsolePeerChartInputs()
    let library: MustacheLibrary

    /// The session cookie's name.
    static let cookieName = "custos_session"

    init(
        accounts: any ConsoleAccountStore,
        activity: any ActivityStore,
        configuration: ConsoleConfiguration,
        sessionStore: (any ConsoleSessionStore)? = nil
    ) {
        self.accounts = accounts
        self.activity = activity
        self.configuration = configuration
        sessions = ConsoleSessions(
            store: sessionStore,
            idleMilliseconds: configuration.idleMilliseconds,
            absoluteMilliseconds: configuration.absoluteMilliseconds
        )
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all {
            // The templates are constants of this module, checked by the console tests: a parse error is a bug.
            try! library.register(text, named: name)
        }
        self.library = library
    }

    /// The sections in the navigation, in order. (An Alerts section is one more entry here and one route file.)
    static let navigation: [(section: ConsoleSection, href: String, label: String)] = [
        (.overview, "/", "Overview"),
        (.alerts, "/alerts", "Alerts"),
        (.people, "/people", "People"),
        (.datasets, "/datasets", "Datasets"),
        (.search, "/search", "Search"),
        (.subjects, "/subjects", "Subject reports"),
        (.ledger, "/ledger", "Ledger"),
        (.rules, "/rules", "Rules & policies"),
        (.accounts, "/admin/accounts", "Accounts"),
    ]
}

/// A signed-in request: the account, its session and the cookie value.
struct SignedIn: Sendable {
    var account: ConsoleAccount
    var session: ConsoleSession
    var cookie: String
}
