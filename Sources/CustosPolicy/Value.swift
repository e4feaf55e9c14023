/// A Cedar value: the result of evaluating an expression, or an attribute of an entity or of the context.
///
/// Sets and records compare and hash independently of element order, as in Cedar.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    /// A boolean.
    case bool(Bool)
    /// A 64-bit signed integer (Cedar `Long`).
    case long(Int64)
    /// A string.
    case string(String)
    /// A reference to an entity.
    case entity(EntityUID)
    /// A set of values (no duplicates).
    case set(Set<Value>)
    /// A record: attribute names to values.
    case record([String: Value])
    /// A value of an extension type (`decimal`, `ipaddr`, `datetime`, `duration`).
    case extensionValue(ExtensionValue)

    /// The Cedar type name of this value, for error messages.
    public var typeName: String {
        switch self {
        case .bool: "Bool"
        case .long: "Long"
        case .string: "String"
        case .entity(let uid): "(entity of type `\(uid.type)`)"
        case .set: "Set"
        case .record: "Record"
        case .extensionValue(let e): e.typeName
        }
    }

    /// A Cedar-like rendering of the value, for messages and debugging (record keys sorted).
    public var description: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .long(let n): return String(n)
        case .string(let s): return CedarStringEscaping.quoted(s)
        case .entity(let uid): return uid.description
        case .set(let s): return "[" + s.map(\.description).sorted().joined(separator: ", ") + "]"
        case .record(let r):
            let fields = r.keys.sorted().map { "\(CedarStringEscaping.quoted($0)): \(r[$0]?.description ?? "")" }
            return "{" + fields.joined(separator: ", ") + "}"
        case .extensionValue(let e): return e.description
        }
    }
}

/// A value of one of Cedar's extension types.
public enum ExtensionValue: Sendable, Hashable, CustomStringConvertible {
    /// A fixed-point decimal with four fraction digits.
    case decimal(CedarDecimal)
    /// An IPv4 or IPv6 address or range.
    case ipaddr(IPAddress)
    /// An instant, in milliseconds since the Unix epoch.
    case datetime(CedarDatetime)
    /// A signed length of time in milliseconds.
    case duration(CedarDuration)

    /// The Cedar extension type name (`decimal`, `ipaddr`, `datetime`, `duration`).
    public var typeName: String {
        switch self {
        case .decimal: "decimal"
        case .ipaddr: "ipaddr"
        case .datetime: "datetime"
        case .duration: "duration"
        }
    }

    /// A Cedar expression that produces this value, for example `decimal("1.5000")`.
    public var description: String {
        switch self {
        case .decimal(let d): "decimal(\"\(d)\")"
        case .ipaddr(let a): "ip(\"\(a)\")"
        case .datetime(let d):
            d.iso8601.map { "datetime(\"\($0)\")" }
                ?? "datetime(\"1970-01-01\").offset(duration(\"\(d.millisecondsSinceEpoch)ms\"))"
        case .duration(let d): "duration(\"\(d.milliseconds)ms\")"
        }
    }
}
