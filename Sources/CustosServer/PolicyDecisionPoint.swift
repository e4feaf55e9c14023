import Crypto
import CustosCore
public import CustosPolicy
import Foundation

/// The Cedar policies, entities and (optional) schema the decision point answers with, loaded once at startup
/// from the data directory: `policies.cedar`, `entities.json` and `schema.cedarschema`.
public struct LoadedPolicies: Sendable {
    /// The enforced policies (ids from `@id` annotations, otherwise `policy0`, `policy1`, … in file order); the
    /// policies annotated `@shadow` are not among them.
    public let policies: PolicySet
    /// When the file has `@shadow` policies: every policy, enforced and shadow, to see where the shadows would
    /// decide differently.
    public let shadowPolicies: PolicySet?
    /// The ids of the enforced policies annotated `@break_glass`.
    public let breakGlassPolicyIDs: Set<String>
    /// ``policies`` indexed by scope, for deciding.
    public let index: PolicyIndex
    /// ``shadowPolicies`` indexed by scope.
    public let shadowIndex: PolicyIndex?
    /// The entities.
    public let entities: EntityStore
    /// The schema, when one was given; requests are then checked against it.
    public let schema: Schema?
    /// Lowercase hex SHA-256 of the policy file's bytes.
    public let policySetSHA256: String
    /// Lowercase hex SHA-256 of the entity file's bytes (of no bytes when there is no entity file).
    public let entitiesSHA256: String
    /// Lowercase hex SHA-256 of the schema file's bytes; nil without a schema.
    public let schemaSHA256: String?

    /// The file names inside the data directory.
    public static let policyFile = "policies.cedar"
    public static let entitiesFile = "entities.json"
    public static let schemaFile = "schema.cedarschema"

    /// Loads the files of `dataDirectory`; nil when there is no policy file (the decision point then fails closed).
    /// Throws a ``PolicyLoadError`` naming the file, line and column of the first problems. Without
    /// `readingEntities` the entity file is not read (``EntityRegistry`` keeps the entities).
    public static func load(
        dataDirectory: String,
        readingEntities: Bool = true
    ) throws(PolicyLoadError) -> LoadedPolicies? {
        func path(_ name: String) -> String { (dataDirectory as NSString).appendingPathComponent(name) }
        let policyPath = path(policyFile)
        guard FileManager.default.fileExists(atPath: policyPath) else { return nil }
        let policyBytes = try read(policyPath)
        guard let policyText = String(data: policyBytes, encoding: .utf8) else {
            throw PolicyLoadError(["\(policyPath): not valid UTF-8 text"])
        }
        let policySet: PolicySet
        do {
            policySet = try PolicySet(parsing: policyText, idsFromAnnotation: true)
        } catch {
            var message = "\(policyPath):\(error.location): "
            if let id = error.policyID { message += "policy \(id): " }
            throw PolicyLoadError([message + error.reason])
        }

        var schema: Schema?
        var schemaSHA256: String?
        let schemaPath = path(schemaFile)
        if FileManager.default.fileExists(atPath: schemaPath) {
            let schemaBytes = try read(schemaPath)
            schemaSHA256 = hex(schemaBytes)
            guard let text = String(data: schemaBytes, encoding: .utf8) else {
                throw PolicyLoadError(["\(schemaPath): not valid UTF-8 text"])
            }
            let s: Schema
            do {
                s = try Schema(parsing: text)
            } catch {
                throw PolicyLoadError(["\(schemaPath):\(error.location): invalid schema: \(error.reason)"])
            }
            let problems = Validator(schema: s, mode: .strict).validate(policySet)
            if !problems.isEmpty {
                throw PolicyLoadError(
                    problems.map { problem in
                        let at = problem.location.map { "\($0):" } ?? ""
                        return "\(policyPath):\(at) policy \(problem.policyID): \(problem.reason)"
                    }
                )
            }
            schema = s
        }

        let entitiesPath = path(entitiesFile)
        var entityBytes = Data()
        var entities = EntityStore([])
        if readingEntities && FileManager.default.fileExists(atPath: entitiesPath) {
            entityBytes = try read(entitiesPath)
            let json: JSONValue
            do {
                json = try JSONParser(maximumDepth: 256).parse(entityBytes)
            } catch {
                throw PolicyLoadError(["\(entitiesPath):\(error.line):\(error.column): malformed JSON: \(error.reason)"]
                )
            }
            do {
                entities = try CedarJSON.entities(json, schema: schema)
            } catch {
                throw PolicyLoadError(["\(entitiesPath): \(error)"])
            }
        } else if let schema {
            entities = (try? CedarJSON.entities(.array([]), schema: schema)) ?? EntityStore([])
        }
        let split = splitShadows(policySet)
        return LoadedPolicies(
            policies: split.enforced,
            shadowPolicies: split.withShadows,
            breakGlassPolicyIDs: breakGlassIDs(split.enforced),
            index: PolicyIndex(split.enforced),
            shadowIndex: split.withShadows.map { PolicyIndex($0) },
            entities: entities,
            schema: schema,
            policySetSHA256: hex(policyBytes),
            entitiesSHA256: hex(entityBytes),
            schemaSHA256: schemaSHA256
        )
    }

    private static func read(_ path: String) throws(PolicyLoadError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyLoadError(["\(path): cannot read the file"])
        }
        return data
    }

    static func hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// Policy files that cannot be used; each message is `FILE:line:column: reason` (or `FILE: reason`).
public struct PolicyLoadError: Error, CustomStringConvertible, Sendable {
    /// Every problem found, once each, in order.
    public var messages: [String]

    init(_ messages: [String]) {
        var seen = Set<String>()
        self.messages = messages.filter { seen.insert($0).inserted }
    }

    public var description: String { messages.joined(separator: "\n") }
}
