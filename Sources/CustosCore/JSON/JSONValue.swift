/// A parsed JSON document, kept exactly enough to validate it field by field and to re-encode it canonically.
///
/// Integers that fit in 64 bits stay integers (`.integer`); every other number is a `.double`. Objects keep their
/// members in document order; the parser rejects duplicate member names, so each key occurs once.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without fraction or exponent that fits in `Int64`.
    case integer(Int64)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object(JSONObject)

    /// The name of this value's JSON type, for error messages ("string", "object", …).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The string, when this value is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object, when this value is one.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array, when this value is one.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
}

/// A JSON object whose members keep document order; member names are unique.
public struct JSONObject: Sendable, Hashable {
    /// The member names in document order.
    public private(set) var keys: [String]
    /// The member values, parallel to `keys`.
    public private(set) var values: [JSONValue]

    /// An empty object.
    public init() {
        self.keys = []
        self.values = []
    }

    /// An object with the given members; a later duplicate name replaces the earlier value.
    public init(_ members: [(String, JSONValue)]) {
        self.init()
        for (k, v) in members { self[k] = v }
    }

    /// The number of members.
    public var count: Int { keys.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { keys.isEmpty }

    /// The members as (name, value) pairs in document order.
    public var members: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }

    /// The value of the member `key`, or nil; setting nil removes the member.
    public subscript(key: String) -> JSONValue? {
        get {
            for i in keys.indices where keys[i] == key { return values[i] }
            return nil
        }
        set {
            if let i = keys.firstIndex(of: key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Appends a member known not to be present yet (used by the parser after its duplicate check).
    /// An empty object with room for `capacity` members (the parser's, so that members are appended without
    /// growing the storage again and again).
    init(minimumCapacity capacity: Int) {
        self.init()
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    mutating func appendUnchecked(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
    }
}

extension JSONObject {
    /// Objects are equal when they have the same members, whatever their order (JSON objects are unordered).
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (k, v) in lhs.members where rhs[k] != v { return false }
        return true
    }

    /// Hashes the members in name order, consistent with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for i in keys.indices.sorted(by: { keys[$0] < keys[$1] }) {
            hasher.combine(keys[i])
            hasher.combine(values[i])
        }
    }
}
