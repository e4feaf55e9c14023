/// Reads a plainly valid event straight from its JSON bytes into an ``AccessEvent``, without building a
/// ``JSONValue`` tree first — the shape nearly every host sends.
///
/// It accepts only what ``JSONParser`` followed by ``EventValidator`` would accept, and gives the same event. Anything
/// else — a string with an escape, a number with a fraction or an exponent, `attributes`, an unknown or duplicate
/// member, any value the validator would refuse, malformed JSON — makes it answer nil, and the caller hands the bytes
/// to the general path, which decides and says precisely what is wrong.
struct EventFastDecoder {
    let limits: EventLimits
    let allowsReservedActions: Bool

    init(_ validator: EventValidator) {
        limits = validator.limits
        allowsReservedActions = validator.allowsReservedActions
    }

    /// The event in `buffer`, which must hold one JSON object and nothing else but white space; nil when the general
    /// path must decide.
    func decode(_ buffer: UnsafeBufferPointer<UInt8>) -> AccessEvent? {
        var reader = FastEventReader(buffer: buffer, limits: limits, allowsReservedActions: allowsReservedActions)
        reader.skipWhitespace()
        guard let event = reader.event() else { return nil }
        reader.skipWhitespace()
        return reader.index == buffer.count ? event : nil
    }

    /// The events of a JSON array of event objects filling `buffer` (white space around it allowed); nil when the
    /// general path must decide, including for an empty array or one longer than `maximumEvents`.
    func decodeArray(_ buffer: UnsafeBufferPointer<UInt8>, maximumEvents: Int) -> [AccessEvent]? {
        var reader = FastEventReader(buffer: buffer, limits: limits, allowsReservedActions: allowsReservedActions)
        reader.skipWhitespace()
        guard reader.take(UInt8(ascii: "[")) else { return nil }
        var events: [AccessEvent] = []
        repeat {
            reader.skipWhitespace()
            guard events.count < maximumEvents, let event = reader.event() else { return nil }
            events.append(event)
            reader.skipWhitespace()
        } while reader.take(UInt8(ascii: ","))
        guard reader.take(UInt8(ascii: "]")) else { return nil }
        reader.skipWhitespace()
        return reader.index == buffer.count ? events : nil
    }
}

/// The fast decoder's position in one buffer. Every method answers nil (or false) as soon as the input leaves the
/// common shape.
private struct FastEventReader {
    let buffer: UnsafeBufferPointer<UInt8>
    let limits: EventLimits
    let allowsReservedActions: Bool
    var index = 0

    init(buffer: UnsafeBufferPointer<UInt8>, limits: EventLimits, allowsReservedActions: Bool) {
        self.buffer = buffer
        self.limits = limits
        self.allowsReservedActions = allowsReservedActions
    }

    mutating func skipWhitespace() {
        while index < buffer.count {
            switch buffer[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard index < buffer.count, buffer[index] == byte else { return false }
        index += 1
        return true
    }

    /// Consumes `null` if it is next.
    mutating func takeNull() -> Bool {
        guard buffer.count - index >= 4, buffer[index] == UInt8(ascii: "n"), buffer[index + 1] == UInt8(ascii: "u"),
            buffer[index + 2] == UInt8(ascii: "l"), buffer[index + 3] == UInt8(ascii: "l")
        else { return false }
        index += 4
        return true
    }

    /// Whether the last raw string read was all ASCII.
    var lastStringIsASCII = true
    /// Whether the last raw string read held a DEL (0x7F), a control character the validator refuses in identifiers.
    var lastStringHasDelete = false

    /// The raw bytes of a string with no escape and no control character below 0x20, without its quotes.
    mutating func rawString() -> UnsafeBufferPointer<UInt8>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var high: UInt8 = 0
        var delete = false
        while index < buffer.count {
            let b = buffer[index]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: buffer[start..<index])
                index += 1
                lastStringIsASCII = high < 0x80
                lastStringHasDelete = delete
                return raw
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            high |= b
            delete = delete || b == 0x7F
            index += 1
        }
        return nil
    }

    /// A string value as the parser would give it (nil for invalid UTF-8).
    mutating func string() -> String? {
        guard let raw = rawString() else { return nil }
        if lastStringIsASCII { return String(decoding: raw, as: UTF8.self) }
        return String(validating: raw, as: UTF8.self)
    }

    /// Walks the members of an object, calling `member` with each name's raw bytes; `member` reads the value and
    /// answers false to give up. Duplicate names are the caller's to catch.
    mutating func members(_ member: (inout FastEventReader, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        skipWhitespace()
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let name = rawString() else { return false }
            skipWhitespace()
            guard take(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            guard member(&self, name) else { return false }
            skipWhitespace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    // MARK: Values under the validator's rules

    /// A string field that is absent, null, or a non-empty string within `maxLength` characters and without control
    /// characters (``EventValidator``'s rule). The outer nil means give up; the inner nil means absent.
    mutating func field(maxLength: Int) -> String?? {
        if takeNull() { return .some(nil) }
        guard let s = string(), accepts(s, maxLength: maxLength) else { return nil }
        return .some(s)
    }

    /// Whether `s`, the last string read, is one the validator accepts as an identifier or name.
    func accepts(_ s: String, maxLength: Int) -> Bool {
        !s.isEmpty && !(s.utf8.count > maxLength && s.count > maxLength) && !lastStringHasDelete
    }

    /// Free text: absent, null, or a string within `maxBytes` bytes. (Raw tabs and line breaks cannot occur unescaped.)
    mutating func text(maxBytes: Int) -> String?? {
        if takeNull() { return .some(nil) }
        guard let s = string(), s.utf8.count <= maxBytes else { return nil }
        return .some(s)
    }

    /// A list of non-empty strings: absent, null, or an array of at most `max` such strings.
    mutating func list(max: Int, itemLength: Int) -> [String]?? {
        if takeNull() { return .some(nil) }
        guard take(UInt8(ascii: "[")) else { return nil }
        var items: [String] = []
        skipWhitespace()
        if take(UInt8(ascii: "]")) { return .some(items) }
        while true {
            skipWhitespace()
            guard items.count < max, let s = string(), accepts(s, maxLength: itemLength) else { return nil }
            items.append(s)
            skipWhitespace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]")) ? .some(items) : nil
        }
    }

    /// A count: absent, null, or a plain non-negative integer of at most ``EventLimits/maximumCount``.
    mutating func count() -> Int64?? {
        if takeNull() { return .some(nil) }
        let start = index
        var value: Int64 = 0
        while index < buffer.count, buffer[index] >= UInt8(ascii: "0"), buffer[index] <= UInt8(ascii: "9") {
            let (tens, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = tens.addingReportingOverflow(Int64(buffer[index] - UInt8(ascii: "0")))
            guard !o1, !o2, next <= limits.maximumCount else { return nil }
            value = next
            index += 1
        }
        let digits = index - start
        guard digits > 0, digits == 1 || buffer[start] != UInt8(ascii: "0") else { return nil }
        if index < buffer.count {
            switch buffer[index] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
        }
        return .some(value)
    }

    // MARK: The event's objects

    /// One event object.
    mutating func event() -> AccessEvent? {
        var seen: UInt16 = 0
        var id: String?
        var time: Timestamp?
        var actor: Actor?
        var action: String?
        var resource: Resource?
        var subjects: [String]?
        var query: String?
        var rows: Int64?
        var bytes: Int64?
        var purpose: Purpose?
        var outcome = Outcome.success
        var app: String?
        var decision: String?
        let complete = members { r, name in
            guard let member = TopLevelMember(name), seen & member.bit == 0 else { return false }
            seen |= member.bit
            switch member {
            case .id:
                guard let v = r.field(maxLength: r.limits.identifierLength) else { return false }
                id = v
            case .time:
                guard let raw = r.rawString(), case .success(let t) = Timestamp.parse(bytes: raw) else { return false }
                time = t
            case .actor:
                guard let a = r.actor() else { return false }
                actor = a
            case .action:
                guard let v = r.field(maxLength: 64), let a = v, ActionName.isWellFormed(a),
                    r.allowsReservedActions || !a.hasPrefix("custos.")
                else { return false }
                action = a
            case .resource:
                guard let v = r.resource() else { return false }
                resource = v
            case .subjects:
                guard let v = r.list(max: r.limits.subjects, itemLength: r.limits.identifierLength) else {
                    return false
                }
                subjects = v
            case .query:
                guard let v = r.text(maxBytes: r.limits.queryBytes) else { return false }
                query = v
            case .rows:
                guard let v = r.count() else { return false }
                rows = v
            case .bytes:
                guard let v = r.count() else { return false }
                bytes = v
            case .purpose:
                guard let v = r.purpose() else { return false }
                purpose = v
            case .outcome:
                if r.takeNull() { return true }
                guard let raw = r.rawString(), let o = Outcome(rawBytes: raw) else { return false }
                outcome = o
            case .app:
                guard let v = r.field(maxLength: r.limits.identifierLength) else { return false }
                app = v
            case .decision:
                guard let v = r.field(maxLength: r.limits.identifierLength) else { return false }
                decision = v
            }
            return true
        }
        guard complete, let time, let actor, let action, let app else { return nil }
        return AccessEvent(
            id: id,
            time: time,
            actor: actor,
            action: action,
            resource: resource,
            subjects: subjects ?? [],
            query: query,
            rows: rows,
            bytes: bytes,
            purpose: purpose,
            outcome: outcome,
            app: app,
            decision: decision
        )
    }

    /// The actor object (required, so null gives up).
    mutating func actor() -> Actor? {
        var seen: UInt8 = 0
        var id: String?
        var name: String?
        var roles: [String]?
        var org: String?
        var session: String?
        var ip: String?
        var device: String?
        let complete = members { r, member in
            let bit: UInt8
            var value: String??
            switch Member.of(member) {
            case .id:
                bit = 1
                value = r.field(maxLength: r.limits.identifierLength)
                id = value ?? nil
            case .name:
                bit = 2
                value = r.field(maxLength: r.limits.nameLength)
                name = value ?? nil
            case .roles:
                guard seen & 4 == 0, let v = r.list(max: r.limits.listItems, itemLength: r.limits.nameLength) else {
                    return false
                }
                seen |= 4
                roles = v
                return true
            case .org:
                bit = 8
                value = r.field(maxLength: r.limits.nameLength)
                org = value ?? nil
            case .session:
                bit = 16
                value = r.field(maxLength: r.limits.identifierLength)
                session = value ?? nil
            case .ip:
                bit = 32
                value = r.field(maxLength: 64)
                if let address = value ?? nil, !IPAddressSyntax.isValid(address) { return false }
                ip = value ?? nil
            case .device:
                bit = 64
                value = r.field(maxLength: r.limits.nameLength)
                device = value ?? nil
            default: return false
            }
            guard seen & bit == 0, value != nil else { return false }
            seen |= bit
            return true
        }
        guard complete, let id else { return nil }
        return Actor(id: id, name: name, roles: roles ?? [], org: org, session: session, ip: ip, device: device)
    }

    /// The resource object: the outer nil gives up, the inner nil is an absent or null resource.
    mutating func resource() -> Resource?? {
        if takeNull() { return .some(nil) }
        var seen: UInt8 = 0
        var resource = Resource()
        let complete = members { r, member in
            let bit: UInt8
            switch Member.of(member) {
            case .type:
                bit = 1
                guard let v = r.field(maxLength: r.limits.nameLength) else { return false }
                resource.type = v
            case .id:
                bit = 2
                guard let v = r.field(maxLength: r.limits.resourceIDLength) else { return false }
                resource.id = v
            case .dataset:
                bit = 4
                guard let v = r.field(maxLength: r.limits.identifierLength) else { return false }
                resource.dataset = v
            case .labels:
                bit = 8
                guard let v = r.list(max: r.limits.listItems, itemLength: r.limits.nameLength) else { return false }
                resource.labels = v ?? []
            default: return false
            }
            guard seen & bit == 0 else { return false }
            seen |= bit
            return true
        }
        return complete ? .some(resource) : nil
    }

    /// The purpose object: the outer nil gives up, the inner nil is an absent or null purpose.
    mutating func purpose() -> Purpose?? {
        if takeNull() { return .some(nil) }
        var seen: UInt8 = 0
        var purpose = Purpose()
        let complete = members { r, member in
            let bit: UInt8
            switch Member.of(member) {
            case .case:
                bit = 1
                guard let v = r.field(maxLength: r.limits.identifierLength) else { return false }
                purpose.caseID = v
            case .reason:
                bit = 2
                guard let v = r.text(maxBytes: r.limits.reasonBytes) else { return false }
                purpose.reason = v
            default: return false
            }
            guard seen & bit == 0 else { return false }
            seen |= bit
            return true
        }
        return complete ? .some(purpose) : nil
    }
}

/// The top-level members the fast decoder reads (`attributes` is left to the general path).
private enum TopLevelMember: UInt16 {
    case id, time, actor, action, resource, subjects, query, rows, bytes, purpose, outcome, app, decision

    var bit: UInt16 { 1 << rawValue }

    init?(_ name: UnsafeBufferPointer<UInt8>) {
        switch Member.of(name) {
        case .id: self = .id
        case .time: self = .time
        case .actor: self = .actor
        case .action: self = .action
        case .resource: self = .resource
        case .subjects: self = .subjects
        case .query: self = .query
        case .rows: self = .rows
        case .bytes: self = .bytes
        case .purpose: self = .purpose
        case .outcome: self = .outcome
        case .app: self = .app
        case .decision: self = .decision
        default: return nil
        }
    }
}

/// Every member name of the event schema, recognised from raw bytes.
private enum Member {
    case id, time, actor, action, resource, subjects, query, rows, bytes, purpose, outcome, app, decision
    case name, roles, org, session, ip, device, type, dataset, labels, `case`, reason
    case other

    private static let names: [(StaticString, Member)] = [
        ("id", .id), ("time", .time), ("actor", .actor), ("action", .action), ("resource", .resource),
        ("subjects", .subjects), ("query", .query), ("rows", .rows), ("bytes", .bytes), ("purpose", .purpose),
        ("outcome", .outcome), ("app", .app), ("decision", .decision), ("name", .name), ("roles", .roles),
        ("org", .org), ("session", .session), ("ip", .ip), ("device", .device), ("type", .type),
        ("dataset", .dataset), ("labels", .labels), ("case", .case), ("reason", .reason),
    ]

    /// The names by length and first byte (`byLength[n]` holds the names of n bytes).
    private static let byLength: [[(first: UInt8, name: StaticString, member: Member)]] = {
        var table = Array(repeating: [(first: UInt8, name: StaticString, member: Member)](), count: 9)
        for (name, member) in names { table[name.utf8CodeUnitCount].append((name.utf8Start[0], name, member)) }
        return table
    }()

    static func of(_ raw: UnsafeBufferPointer<UInt8>) -> Member {
        guard let first = raw.first, raw.count < byLength.count else { return .other }
        for entry in byLength[raw.count] where entry.first == first {
            let name = entry.name.utf8Start
            var i = 1
            while i < raw.count && name[i] == raw[i] { i += 1 }
            if i == raw.count { return entry.member }
        }
        return .other
    }
}

extension Outcome {
    /// The outcome spelled by `raw`, if any.
    fileprivate init?(rawBytes raw: UnsafeBufferPointer<UInt8>) {
        switch raw.count {
        case 7 where raw.elementsEqual("success".utf8): self = .success
        case 6 where raw.elementsEqual("denied".utf8): self = .denied
        case 7 where raw.elementsEqual("failure".utf8): self = .failure
        default: return nil
        }
    }
}
