import CustosCore
import CustosLedger
import CustosSQLite
import CustosServer
import CustosStore
import CustosTestKit
import Foundation
import Hummingbird
import HummingbirdTesting

/// A server on a fresh store with one key per scope, for tests through Hummingbird's router test client.
struct TestServer {
    let api: CustosAPI
    let store: SQLiteStore
    let ingestKey: String
    let readKey: String
    let adminKey: String
    let signer: Ed25519NoteSigner
    /// The webhook notifier, when the test gave endpoints (not running: the test runs it if it needs deliveries).
    let notifier: WebhookNotifier?
    let dataDirectory: String
    static let origin = "custos.test/log"

    /// - Parameters:
    ///   - files: files written into the data directory before the decision point loads it (`policies.cedar`,
    ///     `entities.json`, `schema.cedarschema`).
    ///   - wrap: puts the real store behind a fault-injecting wrapper, if the test needs one.
    init(
        queueCapacity: Int = 100_000,
        files: [String: String] = [:],
        wrap: (SQLiteStore) -> any EventStore & KeyStore = { $0 },
        webhooks: [WebhookEndpoint]? = nil,
        backtest: BacktestSettings = BacktestSettings()
    ) async throws {
        let dir = try TemporaryDirectory()
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: dir.path).appendingPathComponent(name))
        }
        let policies = try LoadedPolicies.load(dataDirectory: dir.path)
        let entities = try EntityRegistry(dataDirectory: dir.path, schema: policies?.schema)
        dataDirectory = dir.path
        let sqlite = try SQLiteStore(directory: dir.path)
        self.store = sqlite
        signer = try Ed25519NoteSigner.generate(keyName: Self.origin)
        let publisher = CheckpointPublisher(
            store: sqlite,
            signer: signer,
            origin: Self.origin,
            intervalSeconds: 3600,
            entries: 1_000_000
        )
        notifier = webhooks.map { WebhookNotifier(endpoints: $0, outbox: sqlite, jitter: { 1 }) }
        api = CustosAPI(
            store: wrap(sqlite),
            queueCapacity: queueCapacity,
            ledger: publisher,
            policies: policies,
            webhooks: notifier,
            backtest: backtest,
            entities: entities,
            dataDirectory: dir.path,
            reviews: try ReviewStore(dataDirectory: dir.path)
        )
        let now = CustosAPI.systemClock()
        func make(_ name: String, _ scopes: Set<APIScope>) async throws -> String {
            let k = APIKeyToken.issue(name: name, owner: "\(name)-owner", scopes: scopes, now: now)
            try await sqlite.insertKey(k.record)
            return k.token
        }
        ingestKey = try await make("ingest", [.ingest])
        readKey = try await make("read", [.read])
        adminKey = try await make("admin", [.admin])
    }

    var application: some ApplicationProtocol {
        Application(router: api.router())
    }

    static func headers(_ key: String?, contentType: String? = "application/json") -> HTTPFields {
        var h = HTTPFields()
        if let key { h[.authorization] = "Bearer \(key)" }
        if let contentType { h[.contentType] = contentType }
        return h
    }
}

extension TestResponse {
    /// The body parsed as JSON.
    var json: JSONValue {
        (try? JSONParser().parse(Array(buffer: body))) ?? .null
    }
}

/// One valid event as JSON text, with an id and overrides.
func eventJSON(id: String, extra: String = "", actor: String = "officer-1", subject: String = "person:1") -> String {
    #"{"id":"\#(id)","time":"2026-11-23T14:03:11.250Z","actor":{"id":"\#(actor)","session":"s-1"},"action":"view","#
        + #""app":"casebook","resource":{"id":"persons/1","dataset":"persons"},"subjects":["\#(subject)"],"rows":3"#
        + extra + "}"
}
