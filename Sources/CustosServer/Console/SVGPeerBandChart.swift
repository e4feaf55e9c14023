import Foundation

/// A chart of one user's daily values (bars) against their own baseline (a dashed line) and their peer group's
/// median (a line) and quartile band (a shaded band) for the same days, drawn on the server as inline SVG. Every
/// day carries its numbers as a tooltip title, so the chart reads without sight of it.
public struct SVGPeerBandChart: Sendable {
    /// One day.
    public struct Day: Sendable, Hashable {
        /// The day's label (`MM-DD`).
        public var label: String
        /// The user's value; nil when inactive.
        public var value: Double?
        /// The peers' median; nil when no peer was active.
        public var peerMedian: Double?
        /// The peers' 25th percentile.
        public var peerLow: Double?
        /// The peers' 75th percentile.
        public var peerHigh: Double?

        /// Creates a day.
        public init(label: String, value: Double?, peerMedian: Double?, peerLow: Double?, peerHigh: Double?) {
            self.label = label
            self.value = value
            self.peerMedian = peerMedian
            self.peerLow = peerLow
            self.peerHigh = peerHigh
        }
    }

    /// What the chart shows, for its accessible title.
    public var title: String
    /// The days, left to right.
    public var days: [Day]
    /// The user's baseline (their median), drawn across the chart.
    public var baseline: Double
    /// The drawing's width in user units.
    public var width = 720
    /// The drawing's height in user units.
    public var height = 200

    /// Creates a chart.
    public init(title: String, days: [Day], baseline: Double) {
        self.title = title
        self.days = days
        self.baseline = baseline
    }

    /// The `<svg>` element.
    public var svg: String {
        let top = 12
        let bottom = 28
        let left = 48
        let plotHeight = Double(height - top - bottom)
        let plotWidth = Double(width - left - 8)
        let values = days.flatMap { [$0.value, $0.peerHigh, $0.peerMedian].compactMap { $0 } } + [baseline]
        let maximum = max(values.max() ?? 0, 1)
        func y(_ v: Double) -> String { Self.format(Double(top) + plotHeight - v / maximum * plotHeight) }
        let title = HTMLText.escape(title)
        var out =
            "<svg class=\"chart peers\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(title)\""
            + " xmlns=\"http://www.w3.org/2000/svg\"><title>\(title)</title>"
        out += "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - 8)\" y2=\"\(y(0))\" class=\"axis\"/>"
        out += "<text x=\"\(left - 4)\" y=\"\(top + 8)\" text-anchor=\"end\" class=\"tick\">"
        out += "\(Self.number(maximum))</text>"
        out += "<text x=\"\(left - 4)\" y=\"\(y(0))\" text-anchor=\"end\" class=\"tick\">0</text>"
        guard !days.isEmpty else {
            return out + "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">No data</text></svg>"
        }
        let step = plotWidth / Double(days.count)
        let labelEvery = max(1, Int((Double(days.count) / 8).rounded(.up)))
        var median: [String] = []
        for (i, day) in days.enumerated() {
            let x = Double(left) + Double(i) * step
            if let low = day.peerLow, let high = day.peerHigh {
                out += "<rect x=\"\(Self.format(x))\" y=\"\(y(high))\" width=\"\(Self.format(step))\" "
                out += "height=\"\(Self.format(max(0.5, (high - low) / maximum * plotHeight)))\" class=\"peer-band\"/>"
            }
            if let m = day.peerMedian { median.append("\(Self.format(x + step / 2)),\(y(m))") }
            let v = day.value ?? 0
            let h = v / maximum * plotHeight
            out +=
                "<rect x=\"\(Self.format(x + step * 0.1))\" y=\"\(y(v))\" width=\"\(Self.format(max(1, step * 0.8)))\" "
            out += "height=\"\(Self.format(h))\" class=\"bar\"><title>\(HTMLText.escape(day.label)): "
            out += day.value.map { "user \(Self.number($0))" } ?? "user inactive"
            if let m = day.peerMedian, let low = day.peerLow, let high = day.peerHigh {
                out += "; peers' median \(Self.number(m)) (middle half \(Self.number(low))–\(Self.number(high)))"
            }
            out += "</title></rect>"
            if i % labelEvery == 0 {
                out += "<text x=\"\(Self.format(x))\" y=\"\(height - 10)\" class=\"tick\">"
                out += "\(HTMLText.escape(day.label))</text>"
            }
        }
        if !median.isEmpty {
            out += "<polyline points=\"\(median.joined(separator: " "))\" class=\"peer-median\"/>"
        }
        out +=
            "<line x1=\"\(left)\" y1=\"\(y(baseline))\" x2=\"\(width - 8)\" y2=\"\(y(baseline))\" class=\"baseline\">"
        out += "<title>the user's median: \(Self.number(baseline))</title></line>"
        return out + "</svg>"
    }

    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.1f", v)
    }

    private static func format(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths < 0 ? "-" : "")\(abs(tenths) / 10).\(abs(tenths % 10))"
    }
}
