import ArgumentParser
import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

/// `custos users`: the console's accounts — add, list, disable.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage console accounts (passwords stored only as bcrypt hashes).",
        subcommands: [Add.self, List.self, Disable.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; the password is read from stdin (or asked for on a terminal)."
        )

        @Option(name: .long, help: "The data directory (default ./custos-data).")
        var data: String = "./custos-data"

        @Option(name: .long, help: "The sign-in name.")
        var username: String

        @Option(name: .long, help: "supervisor, privacy-officer, auditor or admin.")
        var role: String

        @Option(
            name: .long,
            help: "The directory actor this account belongs to (its page views are recorded as theirs)."
        )
        var actor: String

        @Option(name: .customLong("org-unit"), help: "An org unit a supervisor oversees (repeatable).")
        var orgUnits: [String] = []

        func run() async throws {
            guard let role = ConsoleRole(rawValue: role) else {
                throw ValidationError(
                    "--role: '\(role)' is not one of \(ConsoleRole.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard username.range(of: #"^[A-Za-z0-9._@-]{1,64}$"#, options: .regularExpression) != nil else {
                throw ValidationError("--username: 1 to 64 letters, digits, '.', '_', '@' or '-'")
            }
            let probe = AccessEvent(time: .minimum, actor: Actor(id: actor), action: "custos.read", app: "custos")
            if case .invalid(let issues) = EventValidator(allowsReservedActions: true).validate(probe.jsonValue),
                let issue = issues.first
            {
                throw ValidationError("--actor: \(issue.reason)")
            }
            if role == .supervisor && orgUnits.isEmpty {
                throw ValidationError("--org-unit: a supervisor needs at least one org unit")
            }
            if role != .supervisor && !orgUnits.isEmpty {
                throw ValidationError("--org-unit: only supervisors have org units")
            }
            let password = try Self.readPassword()
            if let weakness = ConsolePasswords.weakness(password) { throw ValidationError("password: \(weakness)") }
            let local = try LocalStore(directory: data, creating: true)
            let account = ConsoleAccount(
                username: username,
                passwordHash: ConsolePasswords.hash(password),
                role: role,
                actor: actor,
                orgUnits: orgUnits,
                created: CustosAPI.systemClock()
            )
            guard try await local.store.insertAccount(account) else {
                throw ValidationError("--username: an account named \(username) exists already")
            }
            try await local.record(
                action: "custos.account-create",
                resourceType: "custos.account",
                resourceID: username,
                query: "username=\(username) role=\(role.rawValue) actor=\(actor)"
            )
            printError("Added \(role.rawValue) \(username) (actor \(actor)).")
        }

        /// One line from stdin; on a terminal, asked for without echo.
        static func readPassword() throws -> String {
            if isatty(0) == 1, let p = getpass("Password: ") {
                return String(cString: p)
            }
            guard let line = readLine(strippingNewline: true) else {
                throw ValidationError("give the password on stdin")
            }
            return line
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts (never their password hashes).")

        @Option(name: .long, help: "The data directory (default ./custos-data).")
        var data: String = "./custos-data"

        func run() async throws {
            let local = try LocalStore(directory: data)
            for a in try await local.store.allAccounts() {
                let status = a.disabled.map { "disabled " + $0.rfc3339 } ?? "active"
                print(
                    [a.username, a.role.rawValue, a.actor, a.orgUnits.joined(separator: ","), status]
                        .joined(separator: "\t")
                )
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account (a running server refuses it at its next request)."
        )

        @Option(name: .long, help: "The data directory (default ./custos-data).")
        var data: String = "./custos-data"

        @Argument(help: "The username.")
        var username: String

        func run() async throws {
            let local = try LocalStore(directory: data)
            guard try await local.store.disableAccount(username: username, at: CustosAPI.systemClock()) else {
                throw ValidationError("no active account named \(username)")
            }
            try await local.record(
                action: "custos.account-disable",
                resourceType: "custos.account",
                resourceID: username,
                query: nil
            )
            printError("Disabled \(username).")
        }
    }
}
