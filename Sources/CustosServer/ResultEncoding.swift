import CustosCore
import CustosStore

/// Turns query results into the JSON and CSV documents the API and the CLI print (docs/api.md shows each shape).
public enum ResultEncoding {
    /// An events page: `{"events": [...], "next_cursor": "…"|null, "total": n?}`.
    public static func json(_ page: EventPage) -> JSONValue {
        var o = JSONObject()
        o["events"] = .array(page.events.map(\.jsonValue))
        o["next_cursor"] = page.nextCursor.map { .string($0.description) } ?? .null
        if let total = page.total { o["total"] = .integer(total) }
        return .object(o)
    }

    /// One session summary.
    public static func json(_ s: SessionSummary) -> JSONValue {
        .object(
            JSONObject([
                ("session", .string(s.session)), ("actor", .string(s.actor)), ("start", .string(s.start.rfc3339)),
                ("end", .string(s.end.rfc3339)), ("events", .integer(s.events)), ("rows", .integer(s.rows)),
                ("bytes", .integer(s.bytes)), ("denied", .integer(s.denied)),
                ("datasets", .array(s.datasets.map { .string($0) })),
                (
                    "actions",
                    .object(JSONObject(s.actions.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) }))
                ),
            ])
        )
    }

    /// A timeline page: `{"actor", "sessions": [...], "next_cursor"}`.
    public static func json(_ page: TimelinePage, actor: String) -> JSONValue {
        .object(
            JSONObject([
                ("actor", .string(actor)), ("sessions", .array(page.sessions.map(json))),
                ("next_cursor", page.nextCursor.map { .string($0.description) } ?? .null),
            ])
        )
    }

    /// A session report: `{"session", "summaries": [...], "events": [...], "next_cursor"}`.
    public static func json(_ r: SessionReport, session: String) -> JSONValue {
        .object(
            JSONObject([
                ("session", .string(session)), ("summaries", .array(r.summaries.map(json))),
                ("events", .array(r.page.events.map(\.jsonValue))),
                ("next_cursor", r.page.nextCursor.map { .string($0.description) } ?? .null),
            ])
        )
    }

    /// A dataset report: `{"dataset", "actors": [...], "total_actors"}`.
    public static func json(_ r: DatasetAccessReport) -> JSONValue {
        .object(
            JSONObject([
                ("dataset", .string(r.dataset)),
                (
                    "actors",
                    .array(
                        r.actors.map { a in
                            .object(
                                JSONObject([
                                    ("actor", .string(a.actor)), ("events", .integer(a.events)),
                                    ("rows", .integer(a.rows)),
                                    ("bytes", .integer(a.bytes)), ("first", .string(a.first.rfc3339)),
                                    ("last", .string(a.last.rfc3339)),
                                ])
                            )
                        }
                    )
                ),
                ("total_actors", .integer(Int64(r.totalActors))),
            ])
        )
    }

    /// The columns of events in CSV and table output.
    public static let eventColumns = [
        "seq", "time", "actor", "session", "action", "outcome", "app", "dataset", "resource", "subjects", "rows",
        "bytes", "case", "query",
    ]

    /// The cells of one event, in ``eventColumns`` order.
    public static func cells(_ s: StoredEvent) -> [String] {
        let e = s.event
        return [
            String(s.seq), e.time.rfc3339, e.actor.id, e.actor.session ?? "", e.action, e.outcome.rawValue, e.app,
            e.resource?.dataset ?? "", e.resource?.id ?? "", e.subjects.joined(separator: " "),
            e.rows.map(String.init) ?? "", e.bytes.map(String.init) ?? "", e.purpose?.caseID ?? "", e.query ?? "",
        ]
    }

    /// RFC 4180 CSV with a header row.
    public static func csv(header: [String], rows: [[String]]) -> String {
        func field(_ s: String) -> String {
            // A leading =, +, - or @ is prefixed so that spreadsheets do not run it as a formula.
            var v = s
            if let f = v.first, "=+-@".contains(f), Int(v) == nil { v = "'" + v }
            if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return v
        }
        var out = header.map(field).joined(separator: ",") + "\r\n"
        for r in rows { out += r.map(field).joined(separator: ",") + "\r\n" }
        return out
    }

    /// Aligned columns for a terminal.
    public static func table(header: [String], rows: [[String]], maximumWidth: Int = 40) -> String {
        func clip(_ s: String) -> String { s.count > maximumWidth ? String(s.prefix(maximumWidth - 1)) + "…" : s }
        let all = [header] + rows.map { $0.map(clip) }
        var widths = [Int](repeating: 0, count: header.count)
        for r in all { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return all.map { r in
            r.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - c.count) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }

    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
