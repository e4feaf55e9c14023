import CustosCore
import CustosStore
import Foundation
import Hummingbird

extension CustosAPI {
    /// The most alerts the queue sorts (the newest matching ones); the queue says so when there are more.
    static let consoleAlertSortWindow = 1000

    /// The alerts on one queue page.
    static let consoleAlertPageSize = 50

    /// The console's triage actions, each posting to `/alerts/{id}/{action}`.
    static let consoleTriageActions = ["assign", "comment", "acknowledge", "resolve", "reopen"]

    func addConsoleAlertRoutes(_ console: Console, to router: Router<CustosRequestContext>) {
        router.get("/alerts") { request, _ in
            try await self.page(console, request, .alerts) { signedIn in
                let access = try self.consoleAlertAccess()
                let params = try Self.nonEmptyParameters(request)
                try params.checkKnown(["status", "severity", "rule", "assignee", "sort", "page"])
                var query = AlertQuery(limit: 500)
                try params.alertFilters(into: &query)
                let sort = try params.string("sort") ?? "risk"
                guard let order = ConsoleAlertOrder(rawValue: sort) else {
                    throw Problem.badParameter("sort", "must be one of risk, last_seen, severity")
                }
                let pageNumber = Int(try params.string("page") ?? "1") ?? 0
                guard pageNumber >= 1 else { throw Problem.badParameter("page", "must be a whole number ≥ 1") }
                let (visible, truncated) = try await self.visibleAlerts(signedIn, access, query)
                let sorted = order.sorted(visible)
                let start = (pageNumber - 1) * Self.consoleAlertPageSize
                let shown = sorted.dropFirst(start).prefix(Self.consoleAlertPageSize)
                func link(sort: String? = sort, page: Int? = nil) -> String {
                    ConsoleFormat.link(
                        "/alerts",
                        [
                            ("status", query.status?.rawValue), ("severity", query.severity?.rawValue),
                            ("rule", query.rule), ("assignee", query.assignee), ("sort", sort),
                            ("page", page.map(String.init)),
                        ]
                    )
                }
                let data: [String: Any] = [
                    "alerts": shown.map(Self.alertRow),
                    "statuses": Self.options(AlertStatus.allCases.map(\.rawValue), selected: query.status?.rawValue),
                    "severities": Self.options(
                        AlertSeverity.allCases.reversed().map(\.rawValue),
                        selected: query.severity?.rawValue
                    ),
                    "rule": query.rule ?? "", "assignee": query.assignee ?? "",
                    "sorts": ConsoleAlertOrder.allCases.map { o in
                        ["label": o.label, "link": link(sort: o.rawValue), "current": o == order] as [String: Any]
                    },
                    "sort": order.rawValue,
                    "count": "\(sorted.count)\(truncated ? "+" : "")",
                    "truncated": truncated ? "\(Self.consoleAlertSortWindow)" : "",
                    "previous": pageNumber > 1 ? link(page: pageNumber - 1) : "",
                    "next": start + Self.consoleAlertPageSize < sorted.count ? link(page: pageNumber + 1) : "",
                ]
                try await self.recordView(signedIn, request, resource: "alerts")
                return self.render(console, "alerts", title: "Alerts", signedIn: signedIn, section: .alerts, data: data)
            }
        }
        router.get("/alerts/:id") { request, context in
            try await self.page(console, request, .alerts) { signedIn in
                try Self.nonEmptyParameters(request).checkKnown([])
                let (access, alert, orgUnit) = try await self.visibleAlert(context, signedIn)
                guard let orgUnit else { return self.refuse(console, signedIn, orgUnitRefusal) }
                return try await self.alertPage(console, request, signedIn, access, alert, orgUnit, revealed: false)
            }
        }
        for action in Self.consoleTriageActions {
            router.post(RouterPath("/alerts/:id/\(action)")) { request, context in
                try await self.alertPost(console, request, context) { signedIn, access, alert, form in
                    let fields: [String] =
                        switch action {
                        case "assign": ["assignee"]
                        case "comment": ["text"]
                        case "resolve": ["disposition", "note"]
                        case "reopen": ["note"]
                        default: []
                        }
                    // The same JSON body the API takes, so the same validation applies (an empty note is no note).
                    var body = JSONObject()
                    for name in fields {
                        if let value = form[name], !(name == "note" && value.isEmpty) { body[name] = .string(value) }
                    }
                    let triage = try Self.triageAction(action, body)
                    _ = try await self.triage(
                        alert,
                        triage,
                        by: signedIn.account.actor,
                        session: signedIn.session.label,
                        access
                    )
                    return Response.redirect(to: "/alerts/\(alert.id)", type: .normal)
                }
            }
        }
        router.post("/alerts/:id/reveal") { request, context in
            try await self.alertPost(console, request, context) { signedIn, access, alert, form in
                let reason = try Self.text(
                    JSONObject([("reason", .string(form["reason"] ?? ""))]),
                    "reason",
                    maximum: 4096
                )
                try await self.recordReveal(
                    alert,
                    reason: reason,
                    by: signedIn.account.actor,
                    session: signedIn.session.label
                )
                let orgUnit = try await self.orgUnit(of: alert.actor)
                return try await self.alertPage(
                    console,
                    request,
                    signedIn,
                    access,
                    alert,
                    orgUnit ?? "",
                    revealed: true
                )
            }
        }
    }

    /// A triage or reveal POST: signed in, allowed to open alerts, same-origin with the session's CSRF token, the
    /// alert visible to the account and one it may triage; then `body` with the form's fields.
    private func alertPost(
        _ console: Console,
        _ request: Request,
        _ context: CustosRequestContext,
        _ body: (SignedIn, AlertAccess, Alert, [String: String]) async throws -> Response
    ) async throws -> Response {
        try await page(console, request, .alerts) { signedIn in
            let form = try await Self.form(request)
            if let refusal = ConsoleRequestCheck.refusal(
                headers: request.headers,
                authority: request.head.authority,
                formToken: form["csrf"],
                sessionToken: signedIn.session.csrfToken
            ) {
                return self.refuse(console, signedIn, refusal)
            }
            guard signedIn.account.role.mayTriage else {
                return self.refuse(
                    console,
                    signedIn,
                    "Your role (\(signedIn.account.role.title)) may read alerts but not triage them."
                )
            }
            let (access, alert, orgUnit) = try await self.visibleAlert(context, signedIn)
            guard orgUnit != nil else { return self.refuse(console, signedIn, orgUnitRefusal) }
            if let refusal = signedIn.account.triageRefusal(actor: alert.actor, orgUnit: orgUnit) {
                return self.refuse(console, signedIn, refusal)
            }
            return try await body(signedIn, access, alert, form)
        }
    }

    /// The alert of the path, its access and the org unit of its user when the account may see it (nil otherwise).
    private func visibleAlert(
        _ context: CustosRequestContext,
        _ signedIn: SignedIn
    ) async throws -> (AlertAccess, Alert, String?) {
        let access = try consoleAlertAccess()
        let text = try Self.pathParameter(context, "id")
        guard let id = Int64(text), id >= 1 else { throw Problem.badParameter("id", "must be a positive whole number") }
        guard let alert = try await access.store.alert(id: id) else {
            throw Problem.notFound("there is no alert \(id)")
        }
        let orgUnit = try await orgUnit(of: alert.actor)
        return (access, alert, signedIn.account.mayViewAlert(orgUnit: orgUnit) ? orgUnit ?? "" : nil)
    }

    /// The alert page: facts, findings with their evidence, the user's daily volume, history and triage forms.
    private func alertPage(
        _ console: Console,
        _ request: Request,
        _ signedIn: SignedIn,
        _ access: AlertAccess,
        _ alert: Alert,
        _ orgUnit: String,
        revealed: Bool
    ) async throws -> Response {
        let findings = try await access.store.findings(alert: alert.id)
        let history = try await access.store.alertHistory(alert: alert.id)
        let shownUser = revealed ? alert.actor : alert.pseudonym
        let chart = try await actorVolume(alert, label: alert.pseudonym)
        let peers = try await peerComparisonChart(
            console,
            alert,
            rules: findings.map(\.finding.rule),
            label: alert.pseudonym
        )
        let refusal = signedIn.account.triageRefusal(actor: alert.actor, orgUnit: orgUnit)
        var data: [String: Any] = [
            "id": alert.id, "user": shownUser, "revealed": revealed, "status": alert.status.rawValue,
            "severity": alert.severity.rawValue, "risk": alert.riskScore, "findingCount": alert.findingCount,
            "rules": alert.rules.joined(separator: ", "), "firstSeen": ConsoleFormat.time(alert.firstSeen),
            "lastSeen": ConsoleFormat.time(alert.lastSeen), "assignee": alert.assignee ?? "nobody",
            "disposition": alert.disposition?.rawValue ?? "", "created": ConsoleFormat.time(alert.created),
            "volumeChart": chart.svg, "volumeNote": chart.note, "peerChart": peers?.svg ?? "",
            "peerNote": peers?.note ?? "",
            "findings": findings.map { stored in
                let f = stored.finding
                return [
                    "rule": f.rule, "title": f.title, "severity": f.severity, "time": ConsoleFormat.time(f.time),
                    "kind": f.kind,
                    "explanation": revealed ? f.explanation : f.explanation.replacingAll(f.actor, with: f.pseudonym),
                    "evidence": f.evidence.map { e in
                        ["seq": e.seq, "link": "/events/\(e.seq)", "proof": "/events/\(e.seq)#proof"] as [String: Any]
                    },
                ] as [String: Any]
            },
            "history": history.map { n in
                [
                    "time": ConsoleFormat.time(n.time), "by": n.by, "action": n.action, "detail": n.detail,
                ] as [String: Any]
            },
            "mayOpenEvents": signedIn.account.role.mayOpen(.search) || signedIn.account.role.mayOpen(.subjects),
            "ledgerLink": signedIn.account.role.mayOpen(.search)
                ? ConsoleFormat.link("/search", [("resource", "\(alert.id)"), ("app", "custos")]) : "",
        ]
        if let refusal {
            data["refusal"] = refusal
        } else {
            data["triage"] =
                [
                    "csrf": signedIn.session.csrfToken, "id": alert.id,
                    "mayAcknowledge": alert.status == .open, "mayResolve": alert.status != .resolved,
                    "mayReopen": alert.status == .resolved,
                    "dispositions": Disposition.allCases.map { ["value": $0.rawValue] },
                ] as [String: Any]
        }
        try await recordView(signedIn, request, resource: "alerts/\(alert.id)")
        return render(
            console,
            "alert",
            title: "Alert \(alert.id)",
            signedIn: signedIn,
            section: .alerts,
            data: data
        )
    }

    /// The user's events per UTC day over the 30 days up to the alert's last finding, with the 30-day daily mean.
    private func actorVolume(_ alert: Alert, label: String) async throws -> (svg: String, note: String) {
        let day: Int64 = 86_400_000
        let to = (alert.lastSeen.millisecondsSinceEpoch / day + 1) * day
        let from = to - 30 * day
        let page = try await store.timeline(
            TimelineQuery(
                actor: alert.actor,
                range: TimeRange(
                    from: Timestamp(millisecondsSinceEpoch: from),
                    to: Timestamp(millisecondsSinceEpoch: to)
                ),
                limit: 1000
            )
        )
        var byDay: [Int64: Int64] = [:]
        for s in page.sessions { byDay[s.start.millisecondsSinceEpoch / day * day, default: 0] += s.events }
        let bars = stride(from: from, to: to, by: Int(day)).map { (start: Int64) -> SVGBarChart.Bar in
            SVGBarChart.Bar(
                label: String(Timestamp(millisecondsSinceEpoch: start).rfc3339.prefix(10).dropFirst(5)),
                value: byDay[start] ?? 0
            )
        }
        let total = bars.reduce(0) { $0 + $1.value }
        let active = bars.filter { $0.value > 0 }
        let last = bars.last?.value ?? 0
        let mean = active.isEmpty ? 0 : Double(total) / Double(active.count)
        let note =
            "Events of \(label) per UTC day, the 30 days to the last finding: \(ConsoleFormat.count(total)) in all; "
            + "mean \(String(format: "%.1f", mean)) on the \(active.count) active days (the user's baseline); "
            + "\(ConsoleFormat.count(last)) on the last day"
            + (page.nextCursor == nil ? "." : " (the busiest sessions beyond 1,000 are not counted).")
        return (SVGBarChart(title: "Events per day of \(label)", bars: bars).svg, note)
    }

    /// Unresolved alerts the account may see, by severity and by age, for the overview; nil without alerts.
    func consoleAlertSummary(_ signedIn: SignedIn) async throws -> [String: Any]? {
        guard signedIn.account.role.mayOpen(.alerts), let access = alerts else { return nil }
        var unresolved: [Alert] = []
        var truncated = false
        for status in [AlertStatus.open, .acknowledged] {
            let (some, more) = try await visibleAlerts(signedIn, access, AlertQuery(status: status, limit: 500))
            unresolved += some
            truncated = truncated || more
        }
        let now = clock().millisecondsSinceEpoch
        let day: Int64 = 86_400_000
        let ages: [(String, ClosedRange<Int64>)] = [
            ("under a day", 0...(day - 1)), ("1 to 7 days", day...(7 * day - 1)),
            ("over 7 days", (7 * day)...Int64.max),
        ]
        return [
            "total": "\(unresolved.count)\(truncated ? "+" : "")",
            "bySeverity": AlertSeverity.allCases.reversed().map { s in
                [
                    "severity": s.rawValue, "count": unresolved.filter { $0.severity == s }.count,
                    "link": ConsoleFormat.link("/alerts", [("status", "open"), ("severity", s.rawValue)]),
                ] as [String: Any]
            },
            "byAge": ages.map { label, range in
                [
                    "age": label,
                    "count": unresolved.filter { range.contains(max(0, now - $0.created.millisecondsSinceEpoch)) }
                        .count,
                ] as [String: Any]
            },
        ]
    }

    /// The alerts matching `query` (newest first, at most ``consoleAlertSortWindow``) that the account may see, and
    /// whether more matched.
    private func visibleAlerts(
        _ signedIn: SignedIn,
        _ access: AlertAccess,
        _ query: AlertQuery
    ) async throws -> ([Alert], Bool) {
        var query = query
        var collected: [Alert] = []
        var orgUnits: [String: String?] = [:]
        while true {
            let page = try await access.store.alerts(query)
            for alert in page.alerts {
                if signedIn.account.role == .supervisor {
                    if orgUnits[alert.actor] == nil {
                        orgUnits[alert.actor] = .some(try await orgUnit(of: alert.actor))
                    }
                    guard signedIn.account.mayViewAlert(orgUnit: orgUnits[alert.actor] ?? nil) else { continue }
                }
                collected.append(alert)
                if collected.count == Self.consoleAlertSortWindow { return (collected, page.nextCursor != nil) }
            }
            guard let next = page.nextCursor else { return (collected, false) }
            query.cursor = next
        }
    }

    /// The org unit of a user's latest event that names one (the rule the People pages use; the user's own console
    /// page views name none), or nil when unknown.
    private func orgUnit(of actor: String) async throws -> String? {
        try await store.events(EventQuery(actor: actor, limit: 50)).events.lazy.compactMap(\.event.actor.org).first
    }

    private func consoleAlertAccess() throws(Problem) -> AlertAccess {
        guard let alerts else {
            throw Problem(
                .serviceUnavailable,
                type: "no-detection",
                title: "Detection not running",
                detail: "this server keeps no alerts (start it with a rule pack: custos serve --rules DIR)"
            )
        }
        return alerts
    }

    /// One row of the alert queue (the user by pseudonym).
    private static func alertRow(_ a: Alert) -> [String: Any] {
        [
            "id": a.id, "link": "/alerts/\(a.id)", "user": a.pseudonym, "status": a.status.rawValue,
            "severity": a.severity.rawValue, "risk": a.riskScore, "findings": a.findingCount,
            "rules": a.rules.joined(separator: ", "), "lastSeen": ConsoleFormat.time(a.lastSeen),
            "assignee": a.assignee ?? "",
        ]
    }

    private static func options(_ values: [String], selected: String?) -> [[String: Any]] {
        [["value": "", "label": "any", "selected": selected == nil]]
            + values.map { ["value": $0, "label": $0, "selected": $0 == selected] }
    }
}

private let orgUnitRefusal = "This alert is about a user outside the org units you oversee."

/// How the alert queue is sorted.
public enum ConsoleAlertOrder: String, Sendable, CaseIterable {
    /// Highest risk score first, then latest finding.
    case risk
    /// Latest finding first.
    case lastSeen = "last_seen"
    /// Highest severity first, then highest risk.
    case severity

    /// The name on the sort link.
    public var label: String {
        switch self {
        case .risk: "risk"
        case .lastSeen: "last seen"
        case .severity: "severity"
        }
    }

    /// The alerts in this order (ties: the newer alert first).
    public func sorted(_ alerts: [Alert]) -> [Alert] {
        alerts.sorted { a, b in
            switch self {
            case .risk:
                (a.riskScore, a.lastSeen.millisecondsSinceEpoch, a.id) > (
                    b.riskScore, b.lastSeen.millisecondsSinceEpoch, b.id
                )
            case .lastSeen: (a.lastSeen.millisecondsSinceEpoch, a.id) > (b.lastSeen.millisecondsSinceEpoch, b.id)
            case .severity: (a.severity.rank, a.riskScore, a.id) > (b.severity.rank, b.riskScore, b.id)
            }
        }
    }
}
