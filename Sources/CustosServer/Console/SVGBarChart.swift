/// A bar chart drawn on the server as inline SVG: no script, prints as it shows, and readable by screen readers
/// through its title and the per-bar titles.
public struct SVGBarChart: Sendable {
    /// One bar: its label (shown under some bars) and value.
    public struct Bar: Sendable, Hashable {
        /// The label.
        public var label: String
        /// The value.
        public var value: Int64

        /// Creates a bar.
        public init(label: String, value: Int64) {
            self.label = label
            self.value = value
        }
    }

    /// What the chart shows, for its accessible title.
    public var title: String
    /// The bars, left to right.
    public var bars: [Bar]
    /// The drawing's width in user units.
    public var width = 720
    /// The drawing's height in user units.
    public var height = 180

    /// Creates a chart.
    public init(title: String, bars: [Bar]) {
        self.title = title
        self.bars = bars
    }

    /// The `<svg>` element.
    public var svg: String {
        let top = 12
        let bottom = 28
        let left = 48
        let plotHeight = height - top - bottom
        let plotWidth = width - left - 8
        let maximum = max(bars.map(\.value).max() ?? 0, 1)
        var out =
            "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\""
            + " xmlns=\"http://www.w3.org/2000/svg\"><title>\(HTMLText.escape(title))</title>"
        out +=
            "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - 8)\" y2=\"\(top + plotHeight)\" class=\"axis\"/>"
        out += "<text x=\"\(left - 4)\" y=\"\(top + 8)\" text-anchor=\"end\" class=\"tick\">\(maximum)</text>"
        out += "<text x=\"\(left - 4)\" y=\"\(top + plotHeight)\" text-anchor=\"end\" class=\"tick\">0</text>"
        guard !bars.isEmpty else {
            return out + "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">No data</text></svg>"
        }
        let step = Double(plotWidth) / Double(bars.count)
        let labelEvery = max(1, Int((Double(bars.count) / 8).rounded(.up)))
        for (i, bar) in bars.enumerated() {
            let h = Int((Double(bar.value) / Double(maximum) * Double(plotHeight)).rounded())
            let x = Double(left) + Double(i) * step
            let w = max(1, step * 0.8)
            out += "<rect x=\"\(Self.format(x))\" y=\"\(top + plotHeight - h)\" width=\"\(Self.format(w))\" "
            out += "height=\"\(h)\" class=\"bar\"><title>\(HTMLText.escape(bar.label)): \(bar.value)</title></rect>"
            if i % labelEvery == 0 {
                out += "<text x=\"\(Self.format(x))\" y=\"\(height - 10)\" class=\"tick\">"
                out += "\(HTMLText.escape(bar.label))</text>"
            }
        }
        return out + "</svg>"
    }

    private static func format(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}

/// Escaping of text placed into HTML or SVG markup built in code (templates escape by themselves).
public enum HTMLText {
    /// `s` with `& < > " '` replaced by character references.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
