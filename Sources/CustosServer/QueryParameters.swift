import CustosCore
import CustosStore

/// Reads the filters of the query API from name/value pairs — the URL query of the API and the options of
/// `custos query` alike — with a precise error for each bad value.
public struct QueryParameters: Sendable {
    /// The parameters, by name (a repeated name keeps its last value).
    public var values: [String: String]

    /// Creates parameters from pairs.
    public init(_ values: [String: String]) {
        self.values = values
    }

    /// The filters the events listing accepts.
    public static let eventFilters = [
        "actor", "session", "action", "outcome", "dataset", "resource", "subject", "app", "from", "to", "cursor",
        "limit", "order", "format",
    ]

    /// Refuses parameters outside `allowed`.
    public func checkKnown(_ allowed: [String]) throws(Problem) {
        for name in values.keys.sorted() where !allowed.contains(name) {
            throw Problem.badParameter(name, "unknown parameter (expected one of: \(allowed.joined(separator: ", ")))")
        }
    }

    func string(_ name: String) throws(Problem) -> String? {
        guard let v = values[name] else { return nil }
        if v.isEmpty { throw Problem.badParameter(name, "must not be empty") }
        if v.utf8.count > 256 { throw Problem.badParameter(name, "is longer than 256 bytes") }
        if v.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw Problem.badParameter(name, "must not contain control characters")
        }
        return v
    }

    func timestamp(_ name: String) throws(Problem) -> Timestamp? {
        guard let v = try string(name) else { return nil }
        switch Timestamp.parse(v) {
        case .success(let t): return t
        case .failure(let e): throw Problem.badParameter(name, e.reason)
        }
    }

    /// The `from`/`to` time range.
    public func range() throws(Problem) -> TimeRange {
        let r = TimeRange(from: try timestamp("from"), to: try timestamp("to"))
        if let f = r.from, let t = r.to, f >= t { throw Problem.badParameter("to", "must be after from") }
        return r
    }

    /// `limit`, within 1…maximum, or the default.
    public func limit(default d: Int, maximum: Int) throws(Problem) -> Int {
        guard let v = try string("limit") else { return d }
        guard let n = Int(v), n >= 1, n <= maximum else {
            throw Problem.badParameter("limit", "must be a whole number from 1 to \(maximum)")
        }
        return n
    }

    /// `cursor`, as returned by a previous page.
    public func cursor() throws(Problem) -> PageCursor? {
        guard let v = try string("cursor") else { return nil }
        guard let c = PageCursor(v) else {
            throw Problem.badParameter("cursor", "is not a cursor from a previous page")
        }
        return c
    }

    /// The events filter.
    public func eventQuery() throws(Problem) -> EventQuery {
        var outcome: Outcome?
        if let v = try string("outcome") {
            guard let o = Outcome(rawValue: v) else {
                throw Problem.badParameter("outcome", "must be one of success, denied, failure")
            }
            outcome = o
        }
        var order = PageOrder.descending
        if let v = try string("order") {
            guard let o = PageOrder(rawValue: v) else { throw Problem.badParameter("order", "must be asc or desc") }
            order = o
        }
        return EventQuery(
            actor: try string("actor"),
            session: try string("session"),
            action: try string("action"),
            outcome: outcome,
            dataset: try string("dataset"),
            resource: try string("resource"),
            subject: try string("subject"),
            app: try string("app"),
            range: try range(),
            cursor: try cursor(),
            limit: try limit(default: 100, maximum: 1000),
            order: order
        )
    }

    /// `format`: json (default) or csv.
    public func format() throws(Problem) -> OutputFormat {
        guard let v = try string("format") else { return .json }
        guard let f = OutputFormat(rawValue: v), f != .table else {
            throw Problem.badParameter("format", "must be json or csv")
        }
        return f
    }
}

/// How results are written.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// JSON documents (the API's default).
    case json
    /// Comma-separated values with a header row.
    case csv
    /// Aligned columns for a terminal (CLI only).
    case table
}
