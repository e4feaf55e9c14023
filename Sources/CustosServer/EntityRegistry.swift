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
/// in the data directory durably (``DurableFile``) beside `entities.version`, and only then put in
/// force. Other components read ``current`` or follow ``updates()``.
public final class EntityRegistry: Sendable {
    /// The file holding the current snapshot (the canonical JSON array).
    public static let entitiesFile = "entities.json"
    /// The file holding the current version number and hash: `{"version": n, "sha256": "…"}`.
    public static let versionFile = "entities.version"

    private let state: Mutex<EntitySnapshot>
    private let subscribers = Mutex<[UUID: AsyncStream<EntitySnapshot>.Continuation]>([:])
    private let dataDirectory: String?
    private let schemaInForce: Mutex<Schema?>
    /// `entities.json` as last read or written, to notice a change made by hand.
    private let fileStamp: Mutex<FileStamp?>
    private let gate = SerialGate()

    /// The snapshot in force.
    public var current: EntitySnapshot { state.withLock { $0 } }

    /// An empty store kept in memory only.
    public init() {
        dataDirectory = nil
        schemaInForce = Mutex(nil)
        fileStamp = Mutex(nil)
        state = Mutex(EntitySnapshot(version: 1, documents: [:], entities: CustosPolicy.EntityStore()))
    }

    /// Loads `entities.json` (and its version) from `dataDirectory`, or starts empty; nil `dataDirectory` keeps the
    /// store in memory only. Throws a ``PolicyLoadError`` naming the file and the problems.
    public init(dataDirectory: String?, schema: Schema?) throws(PolicyLoadError) {
        self.dataDirectory = dataDirectory
        schemaInForce = Mutex(schema)
        var documents: [EntityUID: JSONValue] = [:]
        var storedVersion: (version: Int, sha256: String)?
        if let dataDirectory {
            documents = try Self.readFile(in: dataDirectory, schema: schema) ?? [:]
            storedVersion = Self.readVersion(dataDirectory)
        }
        fileStamp = Mutex(
            dataDirectory.map { FileStamp(of: ($0 as NSString).appendingPathComponent(Self.entitiesFile)) }
        )
        let entities = (try? Self.parse(documents, schema: schema)) ?? CustosPolicy.EntityStore()
        var snapshot = EntitySnapshot(version: 1, documents: documents, entities: entities)
        if let storedVersion {
            let version = storedVersion.sha256 == snapshot.sha256 ? storedVersion.version : storedVersion.version + 1
            snapshot = EntitySnapshot(version: version, documents: documents, entities: entities)
        }
        state = Mutex(snapshot)
    }

    /// The schema entities are validated against: the one of the policy set in force.
    public var schema: Schema? { schemaInForce.withLock { $0 } }

    /// Puts `schema` in force (a policy reload brought a new one): the entities in force are validated against it
    /// and parsed again with its action entities, so decisions and later changes see the new schema. The version
    /// and hash stay (the documents are the same). Throws ``EntityUpdateError`` and changes nothing when the
    /// entities do not conform.
    public func adopt(schema: Schema?) async throws(EntityUpdateError) {
        await gate.acquire()
        defer { gate.release() }
        let previous = current
        let entities = try Self.conforming(previous.documents, schema: schema)
        let next = EntitySnapshot(version: previous.version, documents: previous.documents, entities: entities)
        schemaInForce.withLock { $0 = schema }
        state.withLock { $0 = next }
    }

    /// `documents` validated one by one against `schema`, then parsed as a whole.
    private static func conforming(
        _ documents: [EntityUID: JSONValue],
        schema: Schema?
    ) throws(EntityUpdateError) -> CustosPolicy.EntityStore {
        _ = try validated(EntitySnapshot.orderedDocuments(documents), schema: schema)
        do {
            return try parse(documents, schema: schema)
        } catch {
            throw EntityUpdateError([ValidationIssue(path: error.path, reason: error.reason)])
        }
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
        await gate.acquire()
        defer { gate.release() }
        let documents = try Self.validated(list, schema: schema).documents
        return try await commit(documents, record: record)
    }

    /// Adds the entities of `list`, replacing those with the same uids.
    @discardableResult
    public func upsert(
        _ list: [JSONValue],
        record: @Sendable (EntitySnapshot, EntitySnapshot) async throws -> Void
    ) async throws -> EntitySnapshot {
        await gate.acquire()
        defer { gate.release() }
        let changes = try Self.validated(list, schema: schema).documents
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
        let schema = self.schema
        let entities: CustosPolicy.EntityStore
        do {
            entities = try Self.parse(documents, schema: schema)
        } catch {
            throw EntityUpdateError([ValidationIssue(path: error.path, reason: error.reason)])
        }
        let next = EntitySnapshot(version: previous.version + 1, documents: documents, entities: entities)
        try await record(previous, next)
        if let dataDirectory {
            try Self.persist(next, in: dataDirectory)
            fileStamp.withLock {
                $0 = FileStamp(of: (dataDirectory as NSString).appendingPathComponent(Self.entitiesFile))
            }
        }
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

    /// Whether `entities.json` was changed by something other than this registry since it was last read or written.
    public func fileChanged() -> Bool {
        guard let dataDirectory else { return false }
        let now = FileStamp(of: (dataDirectory as NSString).appendingPathComponent(Self.entitiesFile))
        return fileStamp.withLock { $0 != now }
    }

    /// Reads `entities.json` again (changed by hand) and, when it holds other entities than those in force, puts
    /// them in force as a new version like ``replaceAll(_:record:)``; nil when nothing changed. A file that cannot
    /// be used is refused whole with a ``PolicyLoadError`` and the entities in force are kept.
    public func reloadFile(
        record: @Sendable (EntitySnapshot, EntitySnapshot) async throws -> Void
    ) async throws -> EntitySnapshot? {
        guard let dataDirectory else { return nil }
        await gate.acquire()
        defer { gate.release() }
        let path = (dataDirectory as NSString).appendingPathComponent(Self.entitiesFile)
        fileStamp.withLock { $0 = FileStamp(of: path) }
        guard let documents = try Self.readFile(in: dataDirectory, schema: schema),
            EntitySnapshot.canonicalBytes(documents) != current.canonicalBytes
        else { return nil }
        return try await commit(documents, record: record)
    }

    /// The entities of `entities.json` in `dataDirectory`, validated; nil when there is no file.
    private static func readFile(
        in dataDirectory: String,
        schema: Schema?
    ) throws(PolicyLoadError) -> [EntityUID: JSONValue]? {
        let path = (dataDirectory as NSString).appendingPathComponent(entitiesFile)
        guard let bytes = FileManager.default.contents(atPath: path) else { return nil }
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
            return try validated(list, schema: schema).documents
        } catch {
            throw PolicyLoadError(error.issues.map { "\(path): entities\($0.path): \($0.reason)" })
        }
    }

    private static func readVersion(_ dataDirectory: String) -> (version: Int, sha256: String)? {
        let path = (dataDirectory as NSString).appendingPathComponent(versionFile)
        guard let bytes = FileManager.default.contents(atPath: path),
            case .object(let o)? = try? JSONParser().parse(bytes),
            case .integer(let version)? = o["version"], case .string(let sha256)? = o["sha256"]
        else { return nil }
        return (Int(version), sha256)
    }

    /// Writes the snapshot, then its version file, each replaced durably (``DurableFile``).
    private static func persist(_ snapshot: EntitySnapshot, in dataDirectory: String) throws {
        let directory = dataDirectory as NSString
        try DurableFile.replace(directory.appendingPathComponent(entitiesFile), with: snapshot.canonicalBytes)
        let version = JSONValue.object(
            JSONObject([("version", .integer(Int64(snapshot.version))), ("sha256", .string(snapshot.sha256))])
        )
        try DurableFile.replace(directory.appendingPathComponent(versionFile), with: CanonicalJSON.encode(version))
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
