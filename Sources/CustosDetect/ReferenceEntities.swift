import CustosCore

/// Reading the reference data's Cedar entities array (docs/reference-data.md), as the baseline directory, the
/// reference enrichment and the access explanation each index it.
enum ReferenceEntities {
    /// One entity of the array: its type, id, attributes and parents (empty when it has none).
    struct Entity {
        /// The uid's type (`Custos::User`, …).
        var type: String
        /// The uid's id.
        var id: String
        /// The `attrs` object.
        var attrs: JSONObject
        /// The `parents` references.
        var parents: [JSONValue]
    }

    /// The entities of `entities` that have a uid with a type and an id, in order.
    static func list(_ entities: JSONValue) -> [Entity] {
        (entities.arrayValue ?? []).compactMap { entity in
            guard let object = entity.objectValue, let uid = object["uid"]?.objectValue,
                let type = uid["type"]?.stringValue, let id = uid["id"]?.stringValue
            else { return nil }
            return Entity(
                type: type,
                id: id,
                attrs: object["attrs"]?.objectValue ?? JSONObject(),
                parents: object["parents"]?.arrayValue ?? []
            )
        }
    }

    /// The UTC offset in minutes of each `Custos::OrgUnit` that gives one (`utc_offset_minutes`).
    static func orgUnitOffsets(_ list: [Entity]) -> [String: Int64] {
        var offsets: [String: Int64] = [:]
        for entity in list where entity.type == "Custos::OrgUnit" {
            if case .integer(let minutes)? = entity.attrs["utc_offset_minutes"] { offsets[entity.id] = minutes }
        }
        return offsets
    }

    /// The id an entity reference names — `{"__entity": {"type", "id"}}` or `{"type", "id"}` — nil for anything
    /// else.
    static func referencedID(_ value: JSONValue?) -> String? {
        guard let object = value?.objectValue else { return nil }
        if let inner = object["__entity"]?.objectValue { return inner["id"]?.stringValue }
        return object["id"]?.stringValue
    }
}
