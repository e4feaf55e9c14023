public import CustosCore

/// A half-open time range `[from, to)` of event time; either end may be open.
public struct TimeRange: Sendable, Hashable {
    /// The earliest event time included.
    public var from: Timestamp?
    /// The first event time excluded.
    public var to: Timestamp?

    /// Creates a range.
    public init(from: Timestamp? = nil, to: Timestamp? = nil) {
        self.from = from
        self.to = to
    }

    /// The unbounded range.
    public static let all = TimeRange()

    /// Whether `t` lies in the range.
    public func contains(_ t: Timestamp) -> Bool {
        (from.map { t >= $0 } ?? true) && (to.map { t < $0 } ?? true)
    }
}

/// Which way pages run.
public enum PageOrder: String, Sendable, Hashable {
    /// Oldest first (ascending `seq`).
    case ascending = "asc"
    /// Newest first (descending `seq`).
    case descending = "desc"
}

/// A filter over stored events; every set field must match. Pages run in `seq` (commit) order.
public struct EventQuery: Sendable, Hashable {
    /// The actor's id.
    public var actor: String?
    /// The host session id.
    public var session: String?
    /// The action.
    public var action: String?
    /// The outcome.
    public var outcome: Outcome?
    /// The dataset.
    public var dataset: String?
    /// The resource id.
    public var resource: String?
    /// A subject whose data was touched.
    public var subject: String?
    /// The reporting application.
    public var app: String?
    /// The event-time range.
    public var range: TimeRange
    /// Continue after this cursor (from a previous page).
    public var cursor: PageCursor?
    /// The most events in one page.
    public var limit: Int
    /// Newest or oldest first.
    public var order: PageOrder

    /// Creates a query.
    public init(
        actor: String? = nil,
        session: String? = nil,
        action: String? = nil,
        outcome: Outcome? = nil,
        dataset: String? = nil,
        resource: String? = nil,
        subject: String? = nil,
        app: String? = nil,
        range: TimeRange = .all,
        cursor: PageCursor? = nil,
        limit: Int = 100,
        order: PageOrder = .descending
    ) {
        self.actor = actor
        self.session = session
        self.action = action
        self.outcome = outcome
        self.dataset = dataset
        self.resource = resource
        self.subject = subject
        self.app = app
        self.range = range
        self.cursor = cursor
        self.limit = limit
        self.order = order
    }

    /// Whether `e` satisfies every filter except the cursor.
    public func matches(_ e: AccessEvent) -> Bool {
        if let actor, e.actor.id != actor { return false }
        if let session, e.actor.session != session { return false }
        if let action, e.action != action { return false }
        if let outcome, e.outcome != outcome { return false }
        if let dataset, e.resource?.dataset != dataset { return false }
        if let resource, e.resource?.id != resource { return false }
        if let subject, !e.subjects.contains(subject) { return false }
        if let app, e.app != app { return false }
        return range.contains(e.time)
    }
}

/// An opaque position in a paged listing: pass it back to get the next page.
public struct PageCursor: Sendable, Hashable, CustomStringConvertible {
    /// The last position returned (a `seq`, or a session start time, depending on the listing).
    public var position: Int64
    /// A tie-breaker for listings whose positions can repeat.
    public var tieBreaker: String

    /// Creates a cursor.
    public init(position: Int64, tieBreaker: String = "") {
        self.position = position
        self.tieBreaker = tieBreaker
    }

    /// The cursor as the text clients pass back.
    public var description: String {
        tieBreaker.isEmpty ? "\(position)" : "\(position)~" + Self.hexEncode(tieBreaker)
    }

    /// Parses a cursor's text; nil when it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "~", maxSplits: 1, omittingEmptySubsequences: false)
        guard let p = Int64(parts[0]) else { return nil }
        position = p
        if parts.count == 2 {
            guard let t = Self.hexDecode(parts[1]) else { return nil }
            tieBreaker = t
        } else {
            tieBreaker = ""
        }
    }

    private static func hexEncode(_ s: String) -> String {
        let digits = Array("0123456789abcdef")
        return String(s.utf8.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }

    private static func hexDecode(_ s: Substring) -> String? {
        guard s.utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var it = s.utf8.makeIterator()
        while let h = it.next(), let l = it.next() {
            guard let hv = hexValue(h), let lv = hexValue(l) else { return nil }
            bytes.append(hv << 4 | lv)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// One page of events.
public struct EventPage: Sendable, Hashable {
    /// The events of this page.
    public var events: [StoredEvent]
    /// The cursor of the next page; nil on the last page.
    public var nextCursor: PageCursor?
    /// The number of matching events over the whole range, where the listing knows it cheaply.
    public var total: Int64?

    /// Creates a page.
    public init(events: [StoredEvent], nextCursor: PageCursor?, total: Int64? = nil) {
        self.events = events
        self.nextCursor = nextCursor
        self.total = total
    }
}

/// Asks for one actor's sessions.
public struct TimelineQuery: Sendable, Hashable {
    /// The actor's id.
    public var actor: String
    /// Sessions that started in this range.
    public var range: TimeRange
    /// Continue after this cursor.
    public var cursor: PageCursor?
    /// The most sessions in one page.
    public var limit: Int

    /// Creates a query.
    public init(actor: String, range: TimeRange = .all, cursor: PageCursor? = nil, limit: Int = 50) {
        self.actor = actor
        self.range = range
        self.cursor = cursor
        self.limit = limit
    }
}

/// A summary of one session (or, for events without a session id, of one actor's day of such events).
public struct SessionSummary: Sendable, Hashable {
    /// The host session id, or `@YYYY-MM-DD` for an actor's events without one on that UTC day.
    public var session: String
    /// The actor.
    public var actor: String
    /// Time of the first event.
    public var start: Timestamp
    /// Time of the last event.
    public var end: Timestamp
    /// Number of events.
    public var events: Int64
    /// Rows returned or written, summed.
    public var rows: Int64
    /// Bytes returned or written, summed.
    public var bytes: Int64
    /// Events with outcome `denied`.
    public var denied: Int64
    /// Datasets touched (at most 32 listed).
    public var datasets: [String]
    /// Actions taken, with counts.
    public var actions: [String: Int64]

    /// Creates a summary.
    public init(
        session: String,
        actor: String,
        start: Timestamp,
        end: Timestamp,
        events: Int64,
        rows: Int64,
        bytes: Int64,
        denied: Int64,
        datasets: [String],
        actions: [String: Int64]
    ) {
        self.session = session
        self.actor = actor
        self.start = start
        self.end = end
        self.events = events
        self.rows = rows
        self.bytes = bytes
        self.denied = denied
        self.datasets = datasets
        self.actions = actions
    }
}

/// One page of an actor's timeline.
public struct TimelinePage: Sendable, Hashable {
    /// The sessions, newest first.
    public var sessions: [SessionSummary]
    /// The cursor of the next page; nil on the last page.
    public var nextCursor: PageCursor?

    /// Creates a page.
    public init(sessions: [SessionSummary], nextCursor: PageCursor?) {
        self.sessions = sessions
        self.nextCursor = nextCursor
    }
}

/// Asks for one session's events in order.
public struct SessionQuery: Sendable, Hashable {
    /// The host session id.
    public var session: String
    /// Continue after this cursor.
    public var cursor: PageCursor?
    /// The most events in one page.
    public var limit: Int

    /// Creates a query.
    public init(session: String, cursor: PageCursor? = nil, limit: Int = 500) {
        self.session = session
        self.cursor = cursor
        self.limit = limit
    }
}

/// A session: its summaries (one per actor that used the id) and a page of its events, oldest first.
public struct SessionReport: Sendable, Hashable {
    /// The summaries.
    public var summaries: [SessionSummary]
    /// The events of this page.
    public var page: EventPage

    /// Creates a report.
    public init(summaries: [SessionSummary], page: EventPage) {
        self.summaries = summaries
        self.page = page
    }
}

/// Asks who accessed a dataset.
public struct DatasetAccessQuery: Sendable, Hashable {
    /// The dataset.
    public var dataset: String
    /// The event-time range.
    public var range: TimeRange
    /// The most actors listed (the busiest first).
    public var limit: Int

    /// Creates a query.
    public init(dataset: String, range: TimeRange = .all, limit: Int = 1000) {
        self.dataset = dataset
        self.range = range
        self.limit = limit
    }
}

/// One actor's use of a dataset over the range.
public struct DatasetAccessRow: Sendable, Hashable {
    /// The actor.
    public var actor: String
    /// Number of events.
    public var events: Int64
    /// Rows, summed.
    public var rows: Int64
    /// Bytes, summed.
    public var bytes: Int64
    /// Time of the first access in the range.
    public var first: Timestamp
    /// Time of the last access in the range.
    public var last: Timestamp

    /// Creates a row.
    public init(actor: String, events: Int64, rows: Int64, bytes: Int64, first: Timestamp, last: Timestamp) {
        self.actor = actor
        self.events = events
        self.rows = rows
        self.bytes = bytes
        self.first = first
        self.last = last
    }
}

/// Who accessed a dataset.
public struct DatasetAccessReport: Sendable, Hashable {
    /// The dataset.
    public var dataset: String
    /// One row per actor, the most events first.
    public var actors: [DatasetAccessRow]
    /// The number of actors before `limit` applied.
    public var totalActors: Int

    /// Creates a report.
    public init(dataset: String, actors: [DatasetAccessRow], totalActors: Int) {
        self.dataset = dataset
        self.actors = actors
        self.totalActors = totalActors
    }
}

/// Asks for every access to one person's data.
public struct SubjectAccessQuery: Sendable, Hashable {
    /// The subject id (`person:123`).
    public var subject: String
    /// The event-time range.
    public var range: TimeRange
    /// Continue after this cursor.
    public var cursor: PageCursor?
    /// The most events in one page.
    public var limit: Int

    /// Creates a query.
    public init(subject: String, range: TimeRange = .all, cursor: PageCursor? = nil, limit: Int = 100) {
        self.subject = subject
        self.range = range
        self.cursor = cursor
        self.limit = limit
    }
}
