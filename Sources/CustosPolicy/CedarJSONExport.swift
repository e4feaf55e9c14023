import CustosCore

extension CedarJSON {
    /// The Cedar JSON form of an entity reference: `{"type": …, "id": …}`.
    public static func json(_ uid: EntityUID) -> JSONValue {
        .object(JSONObject([("type", .string(uid.type)), ("id", .string(uid.id))]))
    }

    /// The Cedar JSON form of a value, with explicit `__entity` and `__extn` escapes (record keys sorted, set
    /// elements in a deterministic order), readable back by `value(_:expected:path:)` without a schema.
    public static func json(_ value: Value) -> JSONValue {
        switch value {
        case .bool(let b): return .bool(b)
        case .long(let n): return .integer(n)
        case .string(let s): return .string(s)
        case .entity(let uid): return .object(JSONObject([("__entity", json(uid))]))
        case .set(let members):
            let elements = members.map { json($0) }
            return .array(elements.sorted { CanonicalJSON.string($0) < CanonicalJSON.string($1) })
        case .record(let fields):
            return .object(JSONObject(fields.keys.sorted().map { ($0, json(fields[$0] ?? .bool(false))) }))
        case .extensionValue(let e): return json(e)
        }
    }

    private static func extensionCall(_ fn: String, _ arg: String) -> JSONValue {
        .object(JSONObject([("__extn", .object(JSONObject([("fn", .string(fn)), ("arg", .string(arg))])))]))
    }

    private static func json(_ value: ExtensionValue) -> JSONValue {
        switch value {
        case .decimal(let d): return extensionCall("decimal", d.description)
        case .ipaddr(let a): return extensionCall("ip", a.description)
        case .duration(let d): return extensionCall("duration", "\(d.milliseconds)ms")
        case .datetime(let d):
            if let text = d.iso8601 { return extensionCall("datetime", text) }
            // Instants outside years 0000–9999 have no datetime string; Cedar writes them as an offset.
            let args: JSONValue = .array([
                extensionCall("datetime", "1970-01-01"), extensionCall("duration", "\(d.millisecondsSinceEpoch)ms"),
            ])
            return .object(JSONObject([("__extn", .object(JSONObject([("fn", .string("offset")), ("args", args)])))]))
        }
    }

    /// The Cedar JSON form of an entity: `{"uid", "attrs", "parents", "tags"}` (tags only when present).
    public static func json(_ entity: Entity) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("uid", json(entity.uid)),
            ("attrs", json(.record(entity.attributes))),
            ("parents", .array(entity.parents.sorted { $0.description < $1.description }.map { json($0) })),
        ]
        if !entity.tags.isEmpty { members.append(("tags", json(.record(entity.tags)))) }
        return .object(JSONObject(members))
    }

    /// The Cedar JSON form of an entity store: a list of entities ordered by uid.
    public static func json(_ entities: EntityStore) -> JSONValue {
        .array(entities.all.sorted { $0.uid.description < $1.uid.description }.map { json($0) })
    }
}

extension CedarDatetime {
    /// The instant as `YYYY-MM-DDThh:mm:ss.sssZ`, or nil outside the years 0000–9999.
    public var iso8601: String? {
        let day: Int64 = 86_400_000
        var days = millisecondsSinceEpoch / day
        var milliseconds = millisecondsSinceEpoch % day
        if milliseconds < 0 {
            milliseconds += day
            days -= 1
        }
        // Howard Hinnant's civil-from-days algorithm.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9999).contains(year) else { return nil }
        func pad(_ n: Int64, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let seconds = milliseconds / 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))T\(pad(seconds / 3600, 2)):"
            + "\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(milliseconds % 1000, 3))Z"
    }
}
