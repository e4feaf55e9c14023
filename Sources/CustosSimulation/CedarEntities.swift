import CustosCore

/// Helpers for writing Cedar entities JSON (`{"uid": {"type", "id"}, "attrs": {…}, "parents": [uid, …]}`).
enum CedarEntities {
    /// The namespace of every entity type.
    static let namespace = "Custos::"

    /// An entity uid object.
    static func uid(_ type: String, _ id: String) -> JSONValue {
        .object(JSONObject([("type", .string(namespace + type)), ("id", .string(id))]))
    }

    /// An entity reference inside attributes, in Cedar's explicit `__entity` form.
    static func reference(_ type: String, _ id: String) -> JSONValue {
        .object(JSONObject([("__entity", uid(type, id))]))
    }

    /// One entity.
    static func entity(
        _ type: String,
        _ id: String,
        attrs: [(String, JSONValue)],
        parents: [JSONValue] = []
    )
        -> JSONValue
    {
        .object(
            JSONObject([
                ("uid", uid(type, id)), ("attrs", .object(JSONObject(attrs))), ("parents", .array(parents)),
            ])
        )
    }

    /// A set of strings.
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}
