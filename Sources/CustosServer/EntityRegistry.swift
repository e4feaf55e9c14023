public import CustosCore
public import CustosPolicy
import Foundation
import Synchronization

/// The decision point's entity store: the users, roles, groups, cases and datasets (Cedar entities JSON) that
/// policies and the detection engine join against, versioned and persisted.
///
/// Every change (a whole replacement, an upsert, a delete) is validated first — against the schema when one is
/// loaded — and refused whole with every problem; an accepted change becomes a new ``EntitySnapshot`` with the next
/// version number, is recorded (by the caller's `record`, before anything changes), then written to `entities.json`
/// in the data directory atomically (temporary file and rename) beside `entities.version`, and only then put in
/// force. Other components read ``current`` or follow ``updates()``.
public final class EntityRegistry: Sendable {
    /// The file holding the current snapshot (the canonical JSON array).
    public static let entitiesFile = "entities.json"
    /// The file holding the current version number and hash: `{"version": n, "sha256": "…"}`.
    public static let versionFile = "entities.version"

    private let state: Mutex<EntitySnapshot>
    private let subscribers = Mutex<[UUID: AsyncStream<EntitySnapshot>.Continuation]>([:])
    private let dataDirectory: String?
    private let schema: Schema?
    private let gate = SerialGate()

    /// The snapshot in force.
    public var current: EntitySnapshot { state.withLock { $0 } }

    /// An empty store kept in memory only.
    public init() {
        dataDirectory = nil
        schema = nil
        state = Mutex(EntitySnapshot(version: 1, documents: [:], entities: CustosPolicy.EntityStore()))
    }

    /// Loads `entities.json` (and its version) from `dataDirectory`, or starts empty; nil `dataDirectory` keeps the
    /// store in memory only. Throws a ``PolicyLoadError`` naming the file and the problems.
    public init(dataDirectory: String?, schema: Schema?) throws(PolicyLoadError) {
        self.dataDirectory = dataDirectory
        self.schema = schema
        var documents: [EntityUID: JSONValue] = [:]
        var storedVersion: (version: Int, sha256: String)?
        if let dataDirectory {
            let path = (dataDirectory as NSString).appendingPathComponent(Self.entitiesFile)
            if let bytes = FileManager.default.contents(atPath: path) {
                let json: JSONValue
                do {
                    json = try JSONParser(maximumDepth: 256).parse(bytes)
                } catch {
                    throw PolicyLoadError(["\(path):\(error.line):\(error.column): malformed JSON: \(error.reason)"])
                }
                guard case .array(let list) = json else {
                    throw PolicyLoadError(["\(path): the entities document must be a JSON array"])
                }
                do {
                    documents = try Self.validated(list, schema: schema).documents
                } catch {
                    throw PolicyLoadError(error.issues.map { "\(path): entities\($0.path): \($0.reason)" })
                }
            }
            storedVersion = Self.readVersion(dataDirectory)
        }
        let entities = (try? Self.parse(documents, schema: schema)) ?? CustosPolicy.EntityStore()
        var snapshot = EntitySnapshot(version: 1, documents: documents, entities: entities)
        if let storedVersion {
            let version = storedVersion.sha256 == snapshot.sha256 ? storedVersion.version : storedVersion.version + 1
            snapshot = EntitySnapshot(version: version, documents: documents, entities: entities)
        }
        state = Mutex(snapshot)
    }

    /// A stream of every new snapshot put in force from now on (the current one is not repeated).
    public func updates() -> AsyncStream<EntitySnapshot> {
        let (stream, continuation) = AsyncStream<EntitySnapshot>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// Replaces every entity with `list` (Cedar entities JSON objects).
    @discardableResult
    public func replaceAll(
        _ list: [JSONValue],
        record: @Sendable (EntitySnapshot, EntitySnapshot) async throws -> Void
    ) async throws -> EntitySnapshot {
        let documents = try Self.validated(list, schema: schema).documents
        await gate.acquire()
        defer { gate.release() }
        return try await commit(documents, record: record)
    }

    /// Adds the entities of `list`, replacing those with the same uids.
    @discardableResult
    public func upsert(
        _ list: [JSONValue],
        record: @Sendable (EntitySnapshot, EntitySnapshot) async throws -> Void
    ) async throws -> EntitySnapshot {
        let changes = try Self.validated(list, schema: schema).documents
        await gate.acquire()
        defer { gate.release() }
        var documents = current.documents
        for (uid, document) in changes { documents[uid] = document }
        return try await commit(documents, record: record)
    }

    /// Removes the entity `uid`; throws ``EntityUpdateError`` when there is none.
    @discardableResult
    public func delete(
        _ uid: EntityUID,
        record: @Sendable (EntitySnapshot, EntitySnapshot) async throws -> Void
    ) async throws -> EntitySnapshot {
        await gate.acquire()
        defer { gate.release() }
        var documents = current.documents
        guard documents.removeValue(forKey: uid) != nil else {
            throw EntityUpdateError([ValidationIssue(path: "uid", reason: "no entity \(uid)")], notFound: true)
        }
        return try await commit(documents, record: record)
    }

    /// Checks the whole candidate set, records the change, persists it, then puts it in force (inside the gate, so
    /// changes are applied one at a time, each to the snapshot before it).
    private func commit(
        _ documents: [EntityUID: JSONValue],
        record: @Sendable (EntitySnapshot, EntitySnapshot) async throws -> Void
    ) async throws -> EntitySnapshot {
        let previous = current
        let entities: CustosPolicy.EntityStore
        do {
            entities = try Self.parse(documents, schema: schema)
        } catch {
            throw EntityUpdateError([ValidationIssue(path: error.path, reason: error.reason)])
        }
        let next = EntitySnapshot(version: previous.version + 1, documents: documents, entities: entities)
        try await record(previous, next)
        if let dataDirectory { try Self.persist(next, in: dataDirectory) }
        state.withLock { $0 = next }
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(next) }
        return next
    }

    // MARK: Validation

    /// Validates each entity of `list` on its own (so every bad entity is named) and the uids for duplicates.
    static func validated(
        _ list: [JSONValue],
        schema: Schema?
    ) throws(EntityUpdateError) -> (documents: [EntityUID: JSONValue], order: [EntityUID]) {
        var issues: [ValidationIssue] = []
        var documents: [EntityUID: JSONValue] = [:]
        var order: [EntityUID] = []
        for (index, item) in list.enumerated() {
            do {
                let single = try CedarJSON.entities(.array([item]), schema: nil)
                if schema != nil { _ = try CedarJSON.entities(.array([item]), schema: schema) }
                guard let uid = Self.uid(of: item) ?? single.all.first?.uid else { continue }
                if documents[uid] != nil {
                    issues.append(ValidationIssue(path: "[\(index)].uid", reason: "duplicate entity \(uid)"))
                    continue
                }
                documents[uid] = item
                order.append(uid)
            } catch {
                let path = error.path.hasPrefix("[0]") ? "[\(index)]" + error.path.dropFirst(3) : "[\(index)]"
                issues.append(ValidationIssue(path: path, reason: error.reason))
            }
            if issues.count >= 100 { break }
        }
        if !issues.isEmpty { throw EntityUpdateError(issues) }
        return (documents, order)
    }

    /// The uid of an entity document, when it has a well-formed one.
    private static func uid(of document: JSONValue) -> EntityUID? {
        guard case .object(let object) = document, let uid = object["uid"] else { return nil }
        return try? CedarJSON.entityUID(uid)
    }

    /// Parses the whole set (ancestors computed once); with a schema the schema's action entities are added.
    static func parse(
        _ documents: [EntityUID: JSONValue],
        schema: Schema?
    ) throws(DataFormatError) -> CustosPolicy.EntityStore {
        try CedarJSON.entities(.array(EntitySnapshot.orderedDocuments(documents)), schema: schema)
    }

    // MARK: Files

    private static func readVersion(_ dataDirectory: String) -> (version: Int, sha256: String)? {
        let path = (dataDirectory as NSString).appendingPathComponent(versionFile)
        guard let bytes = FileManager.default.contents(atPath: path),
            case .object(let o)? = try? JSONParser().parse(bytes),
            case .integer(let version)? = o["version"], case .string(let sha256)? = o["sha256"]
        else { return nil }
        return (Int(version), sha256)
    }

    /// Writes the snapshot, then its version file, each through a temporary file renamed into place.
    private static func persist(_ snapshot: EntitySnapshot, in dataDirectory: String) throws {
        let directory = URL(fileURLWithPath: dataDirectory)
        try Data(snapshot.canonicalBytes).write(to: directory.appendingPathComponent(entitiesFile), options: .atomic)
        let version = JSONValue.object(
            JSONObject([("version", .integer(Int64(snapshot.version))), ("sha256", .string(snapshot.sha256))])
        )
        try Data(CanonicalJSON.encode(version)).write(
            to: directory.appendingPathComponent(versionFile),
            options: .atomic
        )
    }
}

/// An entity change refused whole: every problem, each with the path of the entity field (`[3].attrs.level`).
public struct EntityUpdateError: Error, Sendable, CustomStringConvertible {
    /// The problems, in order.
    public var issues: [ValidationIssue]
    /// Whether the change named an entity that does not exist.
    public var notFound: Bool

    init(_ issues: [ValidationIssue], notFound: Bool = false) {
        self.issues = issues
        self.notFound = notFound
    }

    /// The problems, one a line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
