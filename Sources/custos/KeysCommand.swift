import ArgumentParser
import CustosCore
import CustosSQLite
import CustosServer
import CustosStore
import Foundation

/// `custos keys`: create, list and revoke API keys in a data directory.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage API keys (stored only as hashes).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print its token once.")

        @Option(name: .long, help: "A name for the key (e.g. casebook-prod).")
        var name: String

        @Option(name: .long, help: "The directory actor who owns the key; reads with it are recorded as theirs.")
        var owner: String

        @Option(name: .long, parsing: .upToNextOption, help: "Scopes: ingest, read, admin (repeatable).")
        var scope: [String]

        @Option(name: .long, help: "When the key stops working (RFC 3339).")
        var expires: String?

        @Option(name: .long, help: "The data directory (default ./custos-data).")
        var data: String = "./custos-data"

        func run() async throws {
            var scopes = Set<APIScope>()
            for s in scope {
                guard let v = APIScope(rawValue: s) else {
                    throw ValidationError("--scope: '\(s)' is not one of ingest, read, admin, triage")
                }
                scopes.insert(v)
            }
            if scopes.isEmpty { throw ValidationError("--scope: give at least one of ingest, read, admin, triage") }
            // The owner becomes the actor of every read made with the key, so it must be a valid actor id.
            let probe = AccessEvent(time: .minimum, actor: Actor(id: owner), action: "custos.read", app: "custos")
            if case .invalid(let issues) = EventValidator(allowsReservedActions: true).validate(probe.jsonValue),
                let issue = issues.first
            {
                throw ValidationError("--owner: \(issue.reason)")
            }
            guard !name.isEmpty, name.count <= 256 else { throw ValidationError("--name: must be 1 to 256 characters") }
            var expiry: Timestamp?
            if let expires {
                switch Timestamp.parse(expires) {
                case .success(let t): expiry = t
                case .failure(let e): throw ValidationError("--expires: \(e.reason)")
                }
            }
            let local = try LocalStore(directory: data, creating: true)
            let issued = APIKeyToken.issue(
                name: name,
                owner: owner,
                scopes: scopes,
                now: CustosAPI.systemClock(),
                expires: expiry
            )
            try await local.store.insertKey(issued.record)
            try await local.record(
                action: "custos.key-create",
                resourceType: "custos.key",
                resourceID: issued.record.id,
                query: "name=\(name) owner=\(owner) scopes=\(scopes.sorted().map(\.rawValue).joined(separator: ","))"
            )
            print(issued.token)
            printError("Created key \(issued.record.id) (\(name)); the token above is shown only once.")
            if let expiry, expiry <= issued.record.created {
                printError("Warning: --expires \(expiry.rfc3339) is already past; the server refuses this key (401).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")

        @Option(name: .long, help: "The data directory (default ./custos-data).")
        var data: String = "./custos-data"

        @Option(name: .long, help: "Output: table, json or csv.")
        var format: String = "table"

        func run() async throws {
            let local = try LocalStore(directory: data)
            let now = CustosAPI.systemClock()
            let keys = try await local.store.allKeys()
            let header = ["id", "name", "owner", "scopes", "created", "expires", "status"]
            let rows = keys.map { k in
                [
                    k.id, k.name, k.owner, k.scopes.sorted().map(\.rawValue).joined(separator: " "), k.created.rfc3339,
                    k.expires?.rfc3339 ?? "",
                    k.revoked != nil ? "revoked" : (k.isActive(at: now) ? "active" : "expired"),
                ]
            }
            switch format {
            case "json":
                let docs: [JSONValue] = rows.map { r in
                    .object(JSONObject(zip(header, r).map { ($0, JSONValue.string($1)) }))
                }
                print(CanonicalJSON.string(.array(docs)))
            case "csv": print(ResultEncoding.csv(header: header, rows: rows), terminator: "")
            case "table": print(ResultEncoding.table(header: header, rows: rows), terminator: "")
            default: throw ValidationError("--format: must be table, json or csv")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id.")

        @Argument(help: "The key id (the part of the token after custos_).")
        var id: String

        @Option(name: .long, help: "The data directory (default ./custos-data).")
        var data: String = "./custos-data"

        func run() async throws {
            let local = try LocalStore(directory: data)
            guard try await local.store.revokeKey(id: id, at: CustosAPI.systemClock()) else {
                throw ValidationErrorText("no active key with id \(id)")
            }
            try await local.record(action: "custos.key-revoke", resourceType: "custos.key", resourceID: id, query: nil)
            print("Revoked \(id).")
        }
    }
}
