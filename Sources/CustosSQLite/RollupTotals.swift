import CustosCore

/// The running sums of one rollup cell, or of one actor in a dataset report: events, rows, bytes, first and last
/// time.
struct RollupTotals {
    var events: Int64 = 0
    var rows: Int64 = 0
    var bytes: Int64 = 0
    var first = Int64.max
    var last = Int64.min

    /// Adds the sums of a rollup cell or of one event.
    mutating func add(events e: Int64, rows r: Int64, bytes b: Int64, first f: Int64, last l: Int64) {
        events += e
        rows += r
        bytes += b
        first = min(first, f)
        last = max(last, l)
    }

    /// Adds another cell's sums (for rolling cells up to a coarser key).
    mutating func merge(_ other: RollupTotals) {
        add(events: other.events, rows: other.rows, bytes: other.bytes, first: other.first, last: other.last)
    }

    /// Adds one event.
    mutating func add(_ e: AccessEvent) {
        let time = e.time.millisecondsSinceEpoch
        add(events: 1, rows: e.rows ?? 0, bytes: e.bytes ?? 0, first: time, last: time)
    }
}
