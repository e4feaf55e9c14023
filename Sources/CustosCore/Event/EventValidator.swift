/// Turns a parsed JSON value into an ``AccessEvent``, checking every field, or lists every problem it found.
///
/// Validation is total: each issue names the field path and the reason, and one call reports all of them, so a
/// client can fix a batch in one round trip.
///
/// `EventFastDecoder` restates these rules for events in the common shape: a rule tightened here must be tightened
/// there too (`EventFastDecoderTests` compares the two; a new member is safe, as the fast path declines what it does
/// not know).
public struct EventValidator: Sendable {
    /// The size limits applied.
    public var limits: EventLimits
    /// Whether `custos.*` actions are accepted (only Custos itself records them).
    public var allowsReservedActions: Bool

    /// Creates a validator.
    public init(limits: EventLimits = EventLimits(), allowsReservedActions: Bool = false) {
        self.limits = limits
        self.allowsReservedActions = allowsReservedActions
    }

    /// The top-level fields of an event.
    public static let topLevelFields: Set<String> = [
        "id", "time", "actor", "action", "resource", "subjects", "query", "rows", "bytes", "purpose", "outcome", "app",
        "decision", "attributes",
    ]

    /// Validates one event; `index` is its place in the batch, carried into each issue.
    public func validate(_ value: JSONValue, index: Int? = nil) -> EventValidation {
        var v = FieldChecker(index: index, limits: limits)
        guard case .object(let o) = value else {
            v.fail("", "must be a JSON object, not \(value.typeName)")
            return .invalid(v.issues)
        }
        for key in o.keys where !EventField.topLevel(key) {
            v.fail(key, "unknown field")
        }
        let id = v.identifier(o["id"], "id", required: false)
        var time = Timestamp.minimum
        switch o["time"] {
        case nil, .null?: v.fail("time", "is required")
        case .string(let s)?:
            switch Timestamp.parse(s) {
            case .success(let t): time = t
            case .failure(let e): v.fail("time", e.reason)
            }
        case let other?: v.fail("time", "must be a string (RFC 3339 date-time), not \(other.typeName)")
        }
        let actor = v.actor(o["actor"])
        let action = v.action(o["action"], allowsReserved: allowsReservedActions)
        let resource = v.resource(o["resource"])
        let subjects = v.list(o["subjects"], "subjects", max: limits.subjects, itemLength: limits.identifierLength)
        let query = v.text(o["query"], "query", maxBytes: limits.queryBytes)
        let rows = v.count(o["rows"], "rows")
        let bytes = v.count(o["bytes"], "bytes")
        let purpose = v.purpose(o["purpose"])
        var outcome = Outcome.success
        switch o["outcome"] {
        case nil, .null?: break
        case .string(let s)?:
            if let oc = Outcome(rawValue: s) {
                outcome = oc
            } else {
                v.fail("outcome", "must be one of success, denied, failure (got \"\(v.clip(s))\")")
            }
        case let other?: v.fail("outcome", "must be a string, not \(other.typeName)")
        }
        let app = v.identifier(o["app"], "app", required: true) ?? ""
        let decision = v.identifier(o["decision"], "decision", required: false)
        var attributes: JSONObject?
        switch o["attributes"] {
        case nil, .null?: break
        case .object(let a)?:
            if CanonicalJSON.encode(.object(a)).count > limits.attributesBytes {
                v.fail("attributes", "is larger than \(limits.attributesBytes) bytes")
            }
            attributes = a
        case let other?: v.fail("attributes", "must be an object, not \(other.typeName)")
        }
        guard v.issues.isEmpty, let actor else { return .invalid(v.issues) }
        return .valid(
            AccessEvent(
                id: id,
                time: time,
                actor: actor,
                action: action ?? "",
                resource: resource,
                subjects: subjects ?? [],
                query: query,
                rows: rows,
                bytes: bytes,
                purpose: purpose,
                outcome: outcome,
                app: app,
                decision: decision,
                attributes: attributes
            )
        )
    }
}

/// The member names an event's objects may hold: each check compares a name with the list (no hashing; the lists are
/// short), and the lists are those of ``EventValidator/topLevelFields`` and the schema (docs/events.md).
private enum EventField {
    static func topLevel(_ name: String) -> Bool {
        switch name {
        case "id", "time", "actor", "action", "resource", "subjects", "query", "rows", "bytes", "purpose", "outcome",
            "app", "decision", "attributes":
            true
        default: false
        }
    }

    static func actor(_ name: String) -> Bool {
        switch name {
        case "id", "name", "roles", "org", "session", "ip", "device": true
        default: false
        }
    }

    static func resource(_ name: String) -> Bool {
        switch name {
        case "type", "id", "dataset", "labels": true
        default: false
        }
    }

    static func purpose(_ name: String) -> Bool {
        name == "case" || name == "reason"
    }
}

/// Collects issues while reading one event's fields.
private struct FieldChecker {
    let index: Int?
    let limits: EventLimits
    var issues: [ValidationIssue] = []

    init(index: Int?, limits: EventLimits) {
        self.index = index
        self.limits = limits
    }

    mutating func fail(_ path: String, _ reason: String) {
        issues.append(ValidationIssue(index: index, path: path, reason: reason))
    }

    func clip(_ s: String) -> String { s.count > 40 ? String(s.prefix(40)) + "…" : s }

    /// A string with no control characters, within a length. The path is only spelled out for an issue.
    mutating func string(
        _ value: JSONValue?,
        _ path: @autoclosure () -> String,
        required: Bool,
        maxLength: Int
    ) -> String? {
        switch value {
        case nil, .null?:
            if required { fail(path(), "is required") }
            return nil
        case .string(let s)?:
            if s.isEmpty {
                fail(path(), "must not be empty")
                return nil
            }
            if s.utf8.count > maxLength && s.count > maxLength {
                fail(path(), "is longer than \(maxLength) characters")
                return nil
            }
            // Control characters are ASCII, and an ASCII byte in UTF-8 is always that character.
            if s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                fail(path(), "must not contain control characters")
                return nil
            }
            return s
        case let other?:
            fail(path(), "must be a string, not \(other.typeName)")
            return nil
        }
    }

    mutating func identifier(_ value: JSONValue?, _ path: String, required: Bool) -> String? {
        string(value, path, required: required, maxLength: limits.identifierLength)
    }

    /// Free text: control characters other than tab and line breaks are refused; measured in UTF-8 bytes.
    mutating func text(_ value: JSONValue?, _ path: String, maxBytes: Int) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?:
            if s.utf8.count > maxBytes {
                fail(path, "is longer than \(maxBytes) bytes")
                return nil
            }
            if s.utf8.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
                fail(path, "must not contain control characters other than tab and line breaks")
                return nil
            }
            return s
        case let other?:
            fail(path, "must be a string, not \(other.typeName)")
            return nil
        }
    }

    mutating func list(_ value: JSONValue?, _ path: String, max: Int, itemLength: Int) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .array(let a)?:
            if a.count > max {
                fail(path, "has \(a.count) items, more than the limit of \(max)")
                return nil
            }
            var out: [String] = []
            out.reserveCapacity(a.count)
            for (i, item) in a.enumerated() {
                if let s = string(item, "\(path)[\(i)]", required: true, maxLength: itemLength) { out.append(s) }
            }
            return out
        case let other?:
            fail(path, "must be an array of strings, not \(other.typeName)")
            return nil
        }
    }

    mutating func count(_ value: JSONValue?, _ path: String) -> Int64? {
        switch value {
        case nil, .null?: return nil
        case .integer(let i)?:
            if i < 0 {
                fail(path, "must not be negative")
                return nil
            }
            if i > limits.maximumCount {
                fail(path, "must be at most \(limits.maximumCount)")
                return nil
            }
            return i
        case .double(let d)?:
            // JSON does not distinguish 5 from 5.0 or 5e0: a whole number within range is accepted as an integer.
            guard let i = Int64(exactly: d) else {
                fail(path, abs(d) >= 9.0e15 ? "must be at most \(limits.maximumCount)" : "must be a whole number")
                return nil
            }
            return count(.integer(i), path)
        case let other?:
            fail(path, "must be a number, not \(other.typeName)")
            return nil
        }
    }

    mutating func object(_ value: JSONValue?, _ path: String, fields: (String) -> Bool) -> JSONObject? {
        switch value {
        case nil, .null?: return nil
        case .object(let o)?:
            for key in o.keys where !fields(key) { fail("\(path).\(key)", "unknown field") }
            return o
        case let other?:
            fail(path, "must be an object, not \(other.typeName)")
            return nil
        }
    }

    mutating func actor(_ value: JSONValue?) -> Actor? {
        if value == nil || value == .null {
            fail("actor", "is required")
            return nil
        }
        guard
            let o = object(value, "actor", fields: EventField.actor)
        else { return nil }
        let id = identifier(o["id"], "actor.id", required: true)
        let name = string(o["name"], "actor.name", required: false, maxLength: limits.nameLength)
        let roles = list(o["roles"], "actor.roles", max: limits.listItems, itemLength: limits.nameLength)
        let org = string(o["org"], "actor.org", required: false, maxLength: limits.nameLength)
        let session = identifier(o["session"], "actor.session", required: false)
        var ip = string(o["ip"], "actor.ip", required: false, maxLength: 64)
        if let address = ip, !IPAddressSyntax.isValid(address) {
            fail("actor.ip", "is not an IPv4 or IPv6 address")
            ip = nil
        }
        let device = string(o["device"], "actor.device", required: false, maxLength: limits.nameLength)
        guard let id else { return nil }
        return Actor(id: id, name: name, roles: roles ?? [], org: org, session: session, ip: ip, device: device)
    }

    mutating func action(_ value: JSONValue?, allowsReserved: Bool) -> String? {
        guard let a = string(value, "action", required: true, maxLength: 64) else { return nil }
        guard ActionName.isWellFormed(a) else {
            fail("action", "must be a lowercase verb (search, view, export, …) or prefix.verb (got \"\(clip(a))\")")
            return nil
        }
        if !allowsReserved && a.hasPrefix("custos.") {
            fail("action", "custos.* actions are recorded by Custos itself and cannot be ingested")
            return nil
        }
        return a
    }

    mutating func resource(_ value: JSONValue?) -> Resource? {
        guard let o = object(value, "resource", fields: EventField.resource) else { return nil }
        return Resource(
            type: string(o["type"], "resource.type", required: false, maxLength: limits.nameLength),
            id: string(o["id"], "resource.id", required: false, maxLength: limits.resourceIDLength),
            dataset: identifier(o["dataset"], "resource.dataset", required: false),
            labels: list(o["labels"], "resource.labels", max: limits.listItems, itemLength: limits.nameLength) ?? []
        )
    }

    mutating func purpose(_ value: JSONValue?) -> Purpose? {
        guard let o = object(value, "purpose", fields: EventField.purpose) else { return nil }
        return Purpose(
            caseID: identifier(o["case"], "purpose.case", required: false),
            reason: text(o["reason"], "purpose.reason", maxBytes: limits.reasonBytes)
        )
    }
}

/// The result of validating one event.
public enum EventValidation: Sendable, Hashable {
    /// The event was valid.
    case valid(AccessEvent)
    /// The event was invalid for these reasons.
    case invalid([ValidationIssue])
}
