/// Writes the plain-language explanation of a finding, from the rule's `explanation` template when it has one,
/// else from the correlation type: "48 events of 'Bulk export' for actor.id officer-4411 in 20 minutes". (Single-event
/// matches are explained by ``MatchExplanation``, prepared once per rule.)
enum FindingExplanation {
    /// The explanation of a correlation finding.
    static func correlation(_ finding: CorrelationFinding, rule: CorrelationRule) -> String {
        let duration = durationText(finding.windowEndMilliseconds - finding.windowStartMilliseconds)
        if let template = rule.metadata.explanation {
            var values: [String: String] = [
                "value": number(finding.value),
                "count": number(Double(finding.evidence.count)),
                "duration": duration,
                "title": rule.metadata.title,
            ]
            for group in finding.group { values[group.field] = group.value ?? "(none)" }
            return fill(template, values)
        }
        let who =
            finding.group.isEmpty
            ? ""
            : " for " + finding.group.map { "\($0.field) \($0.value ?? "(none)")" }.joined(separator: ", ")
        let field = rule.condition?.field ?? "value"
        let span = "within \(duration)"
        let body: String
        switch rule.type {
        case .eventCount:
            body = "\(number(finding.value)) matching events"
        case .valueCount:
            body = "\(number(finding.value)) distinct values of \(field)"
        case .valueSum:
            body = "\(field) totalling \(number(finding.value)) over \(finding.evidence.count) events"
        case .valueAverage:
            body = "\(field) averaging \(number(finding.value)) over \(finding.evidence.count) events"
        case .valuePercentile:
            let p = number(rule.condition?.percentile ?? 50)
            body = "a \(p)th percentile of \(field) of \(number(finding.value)) over \(finding.evidence.count) events"
        case .temporal:
            body = "\(number(finding.value)) of \(rule.rules.count) related rules matched"
        case .temporalOrdered:
            body = "\(number(finding.value)) of \(rule.rules.count) related rules matched in order"
        }
        return "\(rule.metadata.title): \(body)\(who) \(span)"
    }

    /// Whether a placeholder name has the shape of an event field path (`resource.id`, `rows`).
    static func isFieldPath(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
    }

    /// Replaces `{name}` placeholders; unknown names are looked up with `fallback`, else left as written.
    static func fill(
        _ template: String,
        _ values: [String: String],
        fallback: (String) -> String? = { _ in nil }
    ) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name] ?? fallback(name) ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    /// A number with thousands separators and at most two decimals: 48200 → "48,200", 2.5 → "2.5".
    static func number(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 1e15 else { return String(x) }
        let negative = x < 0
        let hundredths = Int64((abs(x) * 100).rounded())
        let whole = hundredths / 100
        let fraction = hundredths % 100
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        grouped = digits + grouped
        if fraction != 0 {
            grouped +=
                "." + (fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction))
        }
        return (negative ? "-" : "") + grouped
    }

    /// A duration in words: "45 seconds", "20 minutes", "2 hours 5 minutes", "3 days".
    static func durationText(_ milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds) / 1000
        func unit(_ n: Int64, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        if seconds < 60 { return unit(seconds, "second") }
        let minutes = seconds / 60
        if minutes < 60 { return unit(minutes, "minute") }
        let hours = minutes / 60
        if hours < 24 {
            return minutes % 60 == 0 ? unit(hours, "hour") : unit(hours, "hour") + " " + unit(minutes % 60, "minute")
        }
        let days = hours / 24
        return hours % 24 == 0 ? unit(days, "day") : unit(days, "day") + " " + unit(hours % 24, "hour")
    }
}
