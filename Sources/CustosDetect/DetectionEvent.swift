public import CustosCore

/// An event as detection sees it: the access event's JSON, optional stream position, and an object of computed
/// enrichment fields (`subject_in_assigned_case`, `actor_is_subject`, …) that a later stage adds.
///
/// Rules address fields by dotted path over the event's JSON (``AccessEvent/jsonValue``): `actor.id`,
/// `resource.labels`, `purpose.case`, `attributes.x.y`. Paths starting with `enrichment.` read the enrichment object.
/// A path that crosses a list reads every element (`attributes.items.name` gives the names of all items).
/// When `attributes` holds a key that itself contains dots, a path reaches it too: at each level the remaining
/// components joined with dots are tried as one key when the next component is missing.
public struct DetectionEvent: Sendable {
    /// The event's JSON object.
    public var fields: JSONObject
    /// Computed fields, addressed as `enrichment.<name>`.
    public var enrichment: JSONObject
    /// The event time (for correlation windows).
    public var time: Timestamp
    /// The ledger index, when the event is stored; findings cite it as evidence.
    public var seq: Int64?
    /// The client's event id, if any.
    public var id: String?

    /// An event from its parts.
    public init(
        fields: JSONObject,
        time: Timestamp,
        seq: Int64? = nil,
        id: String? = nil,
        enrichment: JSONObject = JSONObject()
    ) {
        self.fields = fields
        self.enrichment = enrichment
        self.time = time
        self.seq = seq
        self.id = id
    }

    /// An access event with optional enrichment.
    public init(event: AccessEvent, seq: Int64? = nil, enrichment: JSONObject = JSONObject()) {
        self.init(
            fields: event.jsonValue.objectValue ?? JSONObject(),
            time: event.time,
            seq: seq,
            id: event.id,
            enrichment: enrichment
        )
    }

    /// A stored event (its JSON includes `seq` and `received`), with optional enrichment.
    public init(stored: StoredEvent, enrichment: JSONObject = JSONObject()) {
        self.init(
            fields: stored.jsonValue.objectValue ?? JSONObject(),
            time: stored.event.time,
            seq: stored.seq,
            id: stored.event.id,
            enrichment: enrichment
        )
    }

    /// The value at a path, or nil when absent. A list crossed on the way yields a list of what each element holds.
    public func value(at path: FieldPath) -> JSONValue? {
        let components = path.components
        if components.count > 1 && components[0] == "enrichment" {
            return Self.lookup(enrichment, components, from: 1)
        }
        return Self.lookup(fields, components, from: 0)
    }

    private static func lookup(_ object: JSONObject, _ components: [String], from index: Int) -> JSONValue? {
        if let child = object[components[index]] {
            return index == components.count - 1 ? child : descend(child, components, from: index + 1)
        }
        if index < components.count - 1 {
            return object[components[index...].joined(separator: ".")]
        }
        return nil
    }

    private static func descend(_ value: JSONValue, _ components: [String], from index: Int) -> JSONValue? {
        switch value {
        case .object(let object):
            return lookup(object, components, from: index)
        case .array(let elements):
            var found: [JSONValue] = []
            for element in elements {
                guard let inner = descend(element, components, from: index) else { continue }
                if case .array(let nested) = inner { found.append(contentsOf: nested) } else { found.append(inner) }
            }
            return found.isEmpty ? nil : .array(found)
        default:
            return nil
        }
    }
}
