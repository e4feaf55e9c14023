import Crypto
public import CustosCore
public import CustosPolicy

/// One version of the decision point's entities: the Cedar entities JSON as stored, the parsed entities the
/// authorizer reads, and the version's number and hash.
public struct EntitySnapshot: Sendable {
    /// The version number: 1 for the first snapshot of a data directory, one more for every change.
    public let version: Int
    /// Lowercase hex SHA-256 of ``canonicalBytes``; decisions name it as `entities_sha256`.
    public let sha256: String
    /// Each entity's Cedar JSON as given, by uid.
    public let documents: [EntityUID: JSONValue]
    /// The parsed entities (with the schema's action entities when a schema is loaded).
    public let entities: CustosPolicy.EntityStore

    /// The canonical snapshot: a JSON array of the entities ordered by uid, canonically encoded.
    public var canonicalBytes: [UInt8] { Self.canonicalBytes(documents) }

    /// How many entities of each type, from ``documents``.
    public var countsByType: [String: Int] {
        var counts: [String: Int] = [:]
        for uid in documents.keys { counts[uid.type, default: 0] += 1 }
        return counts
    }

    /// Creates a snapshot; `sha256` is computed from `documents`.
    init(version: Int, documents: [EntityUID: JSONValue], entities: CustosPolicy.EntityStore) {
        self.version = version
        self.documents = documents
        self.entities = entities
        self.sha256 = SHA256.hash(data: Self.canonicalBytes(documents)).map { hexByte($0) }.joined()
    }

    /// The canonical encoding of `documents`: a JSON array ordered by uid.
    static func canonicalBytes(_ documents: [EntityUID: JSONValue]) -> [UInt8] {
        CanonicalJSON.encode(.array(orderedDocuments(documents)))
    }

    /// The documents in uid order (type, then id).
    static func orderedDocuments(_ documents: [EntityUID: JSONValue]) -> [JSONValue] {
        documents.sorted { a, b in
            a.key.type == b.key.type ? a.key.id < b.key.id : a.key.type < b.key.type
        }.map(\.value)
    }

    /// The snapshot's summary as JSON: `version`, `sha256`, `entities` (the count) and `types` (counts by type).
    var summaryJSON: JSONValue {
        let types = countsByType.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.integer(Int64($0.value))) }
        return .object(
            JSONObject([
                ("version", .integer(Int64(version))),
                ("sha256", .string(sha256)),
                ("entities", .integer(Int64(documents.count))),
                ("types", .object(JSONObject(types))),
            ])
        )
    }
}

/// Two lowercase hex digits.
private func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
}
