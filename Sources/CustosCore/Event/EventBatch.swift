/// Reads a request body of access events — one JSON object, a JSON array of objects, or NDJSON — into validated
/// events, or into the complete list of what is wrong with it. A batch is accepted whole or not at all.
public struct EventBatchDecoder: Sendable {
    /// How the body is framed.
    public enum Framing: Sendable {
        /// A JSON object or a JSON array of objects.
        case json
        /// One JSON object per line.
        case ndjson
    }

    /// The per-event validator.
    public var validator: EventValidator
    /// The most events one batch may hold.
    public var maximumEvents: Int
    /// The most issues listed in one answer (the rest are counted).
    public var maximumIssues: Int

    /// Whether plainly valid events are read straight into events (``EventFastDecoder``) before the general path of
    /// parsing and validating; the answers are the same either way (tests compare them).
    var usesFastPath = true

    /// Creates a decoder.
    public init(validator: EventValidator = EventValidator(), maximumEvents: Int = 10_000, maximumIssues: Int = 100) {
        self.validator = validator
        self.maximumEvents = maximumEvents
        self.maximumIssues = maximumIssues
    }

    /// Decodes and validates `body`. On failure, the issues name each bad event's index, field path and reason.
    public func decode(_ body: [UInt8], framing: Framing) -> Result<[AccessEvent], EventBatchError> {
        var values: [JSONValue] = []
        do {
            switch framing {
            case .json:
                if usesFastPath {
                    let fast = EventFastDecoder(validator)
                    let decoded = body.withUnsafeBufferPointer { buffer in
                        buffer.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 })
                            == UInt8(ascii: "{")
                            ? fast.decode(buffer).map { [$0] }
                            : fast.decodeArray(buffer, maximumEvents: maximumEvents)
                    }
                    if let decoded { return validate(decoded.map(Parsed.event)) }
                }
                let value = try JSONParser().parse(body)
                if case .array(let a) = value { values = a } else { values = [value] }
            case .ndjson:
                return decodeLines(body)
            }
        } catch {
            return .failure(EventBatchError(syntax: error, framing: framing))
        }
        if values.isEmpty {
            return .failure(EventBatchError(issues: [ValidationIssue(path: "", reason: "the batch holds no events")]))
        }
        if values.count > maximumEvents {
            return .failure(
                EventBatchError(issues: [
                    ValidationIssue(
                        path: "",
                        reason: "the batch holds \(values.count) events, more than \(maximumEvents)"
                    )
                ])
            )
        }
        return validate(values.map(Parsed.value))
    }

    /// NDJSON: each non-blank line is one event; a line that is not JSON is an issue of that event, so every bad
    /// line is reported, with its line number.
    private func decodeLines(_ body: [UInt8]) -> Result<[AccessEvent], EventBatchError> {
        var values: [Parsed] = []
        var syntaxIssues: [ValidationIssue] = []
        var lineNumber = 0
        var start = 0
        let parser = JSONParser()
        let fast = usesFastPath ? EventFastDecoder(validator) : nil
        while start <= body.count {
            lineNumber += 1
            var end = start
            while end < body.count && body[end] != 0x0A { end += 1 }
            let line = body[start..<end]
            start = end + 1
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            let index = values.count + syntaxIssues.count
            if values.count + syntaxIssues.count >= maximumEvents {
                return .failure(
                    EventBatchError(issues: [
                        ValidationIssue(path: "", reason: "the batch holds more than \(maximumEvents) events")
                    ])
                )
            }
            if let fast, let event = line.withUnsafeBufferPointer({ fast.decode($0) }) {
                values.append(.event(event))
                continue
            }
            do {
                values.append(.value(try parser.parse(line)))
            } catch {
                values.append(.value(.null))
                syntaxIssues.append(
                    ValidationIssue(
                        index: index,
                        path: "",
                        reason: "line \(lineNumber), column \(error.column): \(error.reason)"
                    )
                )
            }
        }
        if values.isEmpty {
            return .failure(EventBatchError(issues: [ValidationIssue(path: "", reason: "the batch holds no events")]))
        }
        if syntaxIssues.isEmpty { return validate(values) }
        var issues = syntaxIssues
        if case .failure(let e) = validate(values) {
            let bad = Set(syntaxIssues.compactMap(\.index))
            issues += e.issues.filter { !bad.contains($0.index ?? -1) }
        }
        issues.sort { ($0.index ?? -1) < ($1.index ?? -1) }
        let invalid = Set(issues.compactMap(\.index)).count
        let listed = Array(issues.prefix(maximumIssues))
        return .failure(
            EventBatchError(issues: listed, invalidEvents: invalid, omittedIssues: issues.count - listed.count)
        )
    }

    /// Validates already parsed values as one batch.
    public func validate(_ values: [JSONValue]) -> Result<[AccessEvent], EventBatchError> {
        validate(values.map(Parsed.value))
    }

    /// One event of a batch: read by the fast path, or parsed and still to validate.
    private enum Parsed {
        case event(AccessEvent)
        case value(JSONValue)
    }

    private func validate(_ values: [Parsed]) -> Result<[AccessEvent], EventBatchError> {
        var events: [AccessEvent] = []
        events.reserveCapacity(values.count)
        var issues: [ValidationIssue] = []
        var badEvents = 0
        var seenIDs: [String: Int] = [:]
        for (i, parsed) in values.enumerated() {
            let validation: EventValidation
            switch parsed {
            case .event(let e): validation = .valid(e)
            case .value(let value): validation = validator.validate(value, index: i)
            }
            switch validation {
            case .valid(let e):
                if let id = e.id {
                    let key = e.app + "\u{0}" + id
                    if let first = seenIDs[key] {
                        badEvents += 1
                        issues.append(
                            ValidationIssue(
                                index: i,
                                path: "id",
                                reason: "duplicates the id of event \(first) in this batch"
                            )
                        )
                    } else {
                        seenIDs[key] = i
                    }
                }
                events.append(e)
            case .invalid(let list):
                badEvents += 1
                issues.append(contentsOf: list)
            }
        }
        if issues.isEmpty { return .success(events) }
        let listed = Array(issues.prefix(maximumIssues))
        return .failure(
            EventBatchError(issues: listed, invalidEvents: badEvents, omittedIssues: issues.count - listed.count)
        )
    }
}

/// Why a batch of events was refused: a syntax error, or the validation issues of its events.
public struct EventBatchError: Error, Sendable, Hashable {
    /// Every issue listed (at most the decoder's `maximumIssues`).
    public var issues: [ValidationIssue]
    /// How many events in the batch were invalid.
    public var invalidEvents: Int
    /// How many further issues were found but not listed.
    public var omittedIssues: Int

    /// Creates an error from validation issues.
    public init(issues: [ValidationIssue], invalidEvents: Int? = nil, omittedIssues: Int = 0) {
        self.issues = issues
        self.invalidEvents = invalidEvents ?? Set(issues.compactMap(\.index)).count
        self.omittedIssues = omittedIssues
    }

    /// Creates an error from a JSON syntax error.
    public init(syntax: JSONParseError, framing: EventBatchDecoder.Framing) {
        let reason: String
        switch framing {
        case .json: reason = "invalid JSON at \(syntax)"
        case .ndjson: reason = "invalid NDJSON at \(syntax)"
        }
        self.init(issues: [ValidationIssue(path: "", reason: reason)], invalidEvents: 0)
    }

    /// A one-line summary.
    public var summary: String {
        if invalidEvents == 0, let first = issues.first { return first.reason }
        return "\(invalidEvents) invalid event\(invalidEvents == 1 ? "" : "s") in the batch; nothing was stored"
    }
}
