import CustosSQLite
import CustosServer
import CustosStore
import Foundation

extension DemoCommand {
    /// Creates a privacy-officer console account for the demo (a new one each start, as its password is shown
    /// once) and returns its username and password.
    static func createConsoleAccount(_ local: LocalStore) async throws -> (username: String, password: String) {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let password = String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
        let suffix = String((0..<4).map { _ in alphabet.prefix(23).randomElement(using: &generator)! })
        let username = "demo-" + suffix
        let account = ConsoleAccount(
            username: username,
            passwordHash: ConsolePasswords.hash(password, cost: 10),
            role: .privacyOfficer,
            actor: "demo-overseer",
            created: CustosAPI.systemClock()
        )
        _ = try await local.store.insertAccount(account)
        try await local.record(
            action: "custos.account-create",
            resourceType: "custos.account",
            resourceID: username,
            query: "username=\(username) role=privacy-officer actor=demo-overseer"
        )
        return (username, password)
    }
}
