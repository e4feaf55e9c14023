import ArgumentParser
import CustosCore
import CustosDetect
import Foundation

/// `custos reference`: work with reference data (the Cedar entities JSON of docs/reference-data.md).
struct ReferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Work with reference data (Cedar entities JSON, docs/reference-data.md).",
        subcommands: [ReferenceProtectCommand.self]
    )
}

/// `custos reference protect`: replaces personal attributes by keyed hashes (docs/reference-data.md).
struct ReferenceProtectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protect",
        abstract: "Replace the personal attributes of an entities file by keyed hashes (HMAC-SHA256).",
        discussion: """
            Person surname, given_name, address and User surname, given_name, home_address are normalised (case, \
            accents, spacing; addresses to street level) and replaced by hmac:v1:<base64url>. Values already \
            protected pass unchanged, so protecting twice gives the same file. The key file holds the operator's \
            key (at least 16 bytes; whitespace around a text key is trimmed); keep it secret and use the same key \
            for every reference file that must match.
            """
    )

    @Option(name: .long, help: "The key file (at least 16 bytes).")
    var key: String

    @Option(name: .customLong("in"), help: "The entities JSON to read.")
    var input: String

    @Option(name: .long, help: "Where to write the protected entities JSON.")
    var out: String

    func run() async throws {
        guard let keyData = FileManager.default.contents(atPath: key) else {
            throw ValidationErrorText("cannot read the key file \(key)")
        }
        var keyBytes = Array(keyData)
        while let last = keyBytes.last, [0x0A, 0x0D, 0x20, 0x09].contains(last) { keyBytes.removeLast() }
        guard let protector = PersonalAttributeProtector(key: keyBytes) else {
            throw ValidationErrorText("the key file \(key) must hold at least 16 bytes")
        }
        let entities = try RulePack.loadEntities(input)
        guard entities.arrayValue != nil else { throw ValidationErrorText("\(input): not an entities array") }
        let protected = protector.protect(entities: entities)
        var bytes = CanonicalJSON.encode(protected)
        bytes.append(0x0A)
        guard FileManager.default.createFile(atPath: out, contents: Data(bytes)) else {
            throw ValidationErrorText("cannot write \(out)")
        }
    }
}
