extension AccessEvent {
    /// The event in its native JSON form (docs/events.md); absent optional fields are left out.
    public var jsonValue: JSONValue {
        var o = JSONObject()
        if let id { o["id"] = .string(id) }
        o["time"] = .string(time.rfc3339)
        o["actor"] = actor.jsonValue
        o["action"] = .string(action)
        if let resource { o["resource"] = resource.jsonValue }
        if !subjects.isEmpty { o["subjects"] = .array(subjects.map { .string($0) }) }
        if let query { o["query"] = .string(query) }
        if let rows { o["rows"] = .integer(rows) }
        if let bytes { o["bytes"] = .integer(bytes) }
        if let purpose { o["purpose"] = purpose.jsonValue }
        o["outcome"] = .string(outcome.rawValue)
        o["app"] = .string(app)
        if let decision { o["decision"] = .string(decision) }
        if let attributes { o["attributes"] = .object(attributes) }
        return .object(o)
    }

    /// The canonical (RFC 8785) bytes of ``jsonValue``: equal events, and only equal events, have equal bytes.
    public var canonicalBytes: [UInt8] { CanonicalJSON.encode(jsonValue) }
}

extension Actor {
    /// The actor in its native JSON form.
    public var jsonValue: JSONValue {
        var o = JSONObject()
        o["id"] = .string(id)
        if let name { o["name"] = .string(name) }
        if !roles.isEmpty { o["roles"] = .array(roles.map { .string($0) }) }
        if let org { o["org"] = .string(org) }
        if let session { o["session"] = .string(session) }
        if let ip { o["ip"] = .string(ip) }
        if let device { o["device"] = .string(device) }
        return .object(o)
    }
}

extension Resource {
    /// The resource in its native JSON form.
    public var jsonValue: JSONValue {
        var o = JSONObject()
        if let type { o["type"] = .string(type) }
        if let id { o["id"] = .string(id) }
        if let dataset { o["dataset"] = .string(dataset) }
        if !labels.isEmpty { o["labels"] = .array(labels.map { .string($0) }) }
        return .object(o)
    }
}

extension Purpose {
    /// The purpose in its native JSON form.
    public var jsonValue: JSONValue {
        var o = JSONObject()
        if let caseID { o["case"] = .string(caseID) }
        if let reason { o["reason"] = .string(reason) }
        return .object(o)
    }
}

extension StoredEvent {
    /// The stored event as JSON: the event's fields plus `seq` and `received`.
    public var jsonValue: JSONValue {
        guard case .object(var o) = event.jsonValue else { return event.jsonValue }
        o["seq"] = .integer(seq)
        o["received"] = .string(received.rfc3339)
        return .object(o)
    }
}
