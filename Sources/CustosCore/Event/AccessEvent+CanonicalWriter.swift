extension AccessEvent {
    /// Appends the event's canonical (RFC 8785) JSON — the same bytes as ``canonicalBytes`` — straight from its
    /// fields, without building a ``JSONValue`` or sorting member names at run time, and reports where each
    /// top-level member's canonical value lies in `out`, in member-name order.
    ///
    /// This is the ingest hot path: ``EventClaims`` takes its claim values from these ranges. The member names of
    /// the event and of its nested objects are fixed and ASCII, so their RFC 8785 order (UTF-16 code units) is the
    /// order written here; only `attributes`, whose names come from the host, goes through ``CanonicalJSON``.
    ///
    /// - Parameters:
    ///   - member: called with each top-level member's name and value range, except `subjects`.
    ///   - subject: called with the value range of each element of `subjects`, in array order, where the
    ///     `subjects` member falls in name order.
    public func writeCanonical(
        into out: inout [UInt8],
        member: (String, Range<Int>) -> Void,
        subject: (Range<Int>) -> Void
    ) {
        var first = true
        func key(_ name: StaticString) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        func string(_ name: StaticString, _ value: String) {
            key(name)
            let start = out.count
            CanonicalJSON.writeString(value, into: &out)
            member(name.description, start..<out.count)
        }
        func integer(_ name: StaticString, _ value: Int64) {
            key(name)
            let start = out.count
            CanonicalJSON.writeInteger(value, into: &out)
            member(name.description, start..<out.count)
        }
        func nested(_ name: StaticString, _ write: (inout [UInt8]) -> Void) {
            key(name)
            let start = out.count
            write(&out)
            member(name.description, start..<out.count)
        }

        string("action", action)
        nested("actor") { actor.writeCanonical(into: &$0) }
        string("app", app)
        if let attributes { nested("attributes") { CanonicalJSON.write(.object(attributes), into: &$0) } }
        if let bytes { integer("bytes", bytes) }
        if let decision { string("decision", decision) }
        if let id { string("id", id) }
        string("outcome", outcome.rawValue)
        if let purpose { nested("purpose") { purpose.writeCanonical(into: &$0) } }
        if let query { string("query", query) }
        if let resource { nested("resource") { resource.writeCanonical(into: &$0) } }
        if let rows { integer("rows", rows) }
        if !subjects.isEmpty {
            key("subjects")
            out.append(UInt8(ascii: "["))
            for (i, s) in subjects.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                let start = out.count
                CanonicalJSON.writeString(s, into: &out)
                subject(start..<out.count)
            }
            out.append(UInt8(ascii: "]"))
        }
        // The time's text is ASCII digits and punctuation: its JSON string needs no escaping.
        key("time")
        let timeStart = out.count
        out.append(UInt8(ascii: "\""))
        time.writeRFC3339(into: &out)
        out.append(UInt8(ascii: "\""))
        member("time", timeStart..<out.count)
        out.append(UInt8(ascii: "}"))
    }
}

/// Writes the members of a small fixed-key object in the order given, which the callers keep sorted.
private struct CanonicalObjectWriter {
    var first = true

    mutating func string(_ name: StaticString, _ value: String?, into out: inout [UInt8]) {
        guard let value else { return }
        key(name, into: &out)
        CanonicalJSON.writeString(value, into: &out)
    }

    mutating func strings(_ name: StaticString, _ values: [String], into out: inout [UInt8]) {
        guard !values.isEmpty else { return }
        key(name, into: &out)
        out.append(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            CanonicalJSON.writeString(v, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    mutating func key(_ name: StaticString, into out: inout [UInt8]) {
        out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    func finish(into out: inout [UInt8]) {
        if first { out.append(UInt8(ascii: "{")) }
        out.append(UInt8(ascii: "}"))
    }
}

extension Actor {
    /// Appends the canonical JSON of ``jsonValue`` (members in RFC 8785 order).
    func writeCanonical(into out: inout [UInt8]) {
        var w = CanonicalObjectWriter()
        w.string("device", device, into: &out)
        w.string("id", id, into: &out)
        w.string("ip", ip, into: &out)
        w.string("name", name, into: &out)
        w.string("org", org, into: &out)
        w.strings("roles", roles, into: &out)
        w.string("session", session, into: &out)
        w.finish(into: &out)
    }
}

extension Resource {
    /// Appends the canonical JSON of ``jsonValue`` (members in RFC 8785 order).
    func writeCanonical(into out: inout [UInt8]) {
        var w = CanonicalObjectWriter()
        w.string("dataset", dataset, into: &out)
        w.string("id", id, into: &out)
        w.strings("labels", labels, into: &out)
        w.string("type", type, into: &out)
        w.finish(into: &out)
    }
}

extension Purpose {
    /// Appends the canonical JSON of ``jsonValue`` (members in RFC 8785 order).
    func writeCanonical(into out: inout [UInt8]) {
        var w = CanonicalObjectWriter()
        w.string("case", caseID, into: &out)
        w.string("reason", reason, into: &out)
        w.finish(into: &out)
    }
}
