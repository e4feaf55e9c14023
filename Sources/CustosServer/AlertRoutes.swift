import CustosCore
import CustosStore
import Foundation
import Hummingbird

extension CustosAPI {
    /// The largest triage request body, in bytes.
    static let maximumTriageBodyBytes = 64 << 10

    /// The longest a suppression may last, in hours (90 days).
    static let maximumSuppressionHours: Int64 = 90 * 24

    func addAlertRoutes(to router: Router<CustosRequestContext>) {
        router.get("/v1/alerts") { request, _ in
            let (key, access) = try await self.alertAccess(request)
            let params = try Self.parameters(request)
            try params.checkKnown(["status", "severity", "rule", "assignee", "since", "until", "cursor", "limit"])
            var query = AlertQuery(limit: try params.limit(default: 100, maximum: 1000))
            try params.alertFilters(into: &query)
            query.since = try params.timestamp("since")
            query.until = try params.timestamp("until")
            if let since = query.since, let until = query.until, since >= until {
                throw Problem.badParameter("until", "must be after since")
            }
            if let c = try params.cursor() { query.cursor = c.position }
            let page = try await access.store.alerts(query)
            try await self.recordRead(key, request, resource: "alerts")
            return Response.json(
                .object(
                    JSONObject([
                        ("alerts", .array(page.alerts.map { AlertEncoding.json($0) })),
                        ("next_cursor", page.nextCursor.map { .string(PageCursor(position: $0).description) } ?? .null),
                    ])
                )
            )
        }
        router.get("/v1/alerts/:id") { request, context in
            let (key, access) = try await self.alertAccess(request)
            try Self.parameters(request).checkKnown([])
            let alert = try await self.existingAlert(context, access)
            let findings = try await access.store.findings(alert: alert.id)
            let history = try await access.store.alertHistory(alert: alert.id)
            try await self.recordRead(key, request, resource: "alerts/\(alert.id)")
            var o = AlertEncoding.json(alert).objectValue ?? JSONObject()
            o["findings"] = .array(findings.map { AlertEncoding.json($0, reveal: false) })
            o["history"] = .array(history.map(AlertEncoding.json))
            return Response.json(.object(o))
        }
        for action in ["assign", "comment", "acknowledge", "resolve", "reopen"] {
            router.post(RouterPath("/v1/alerts/:id/\(action)")) { request, context in
                let (key, access) = try await self.alertAccess(request)
                let alert = try await self.existingAlert(context, access)
                let body = try await Self.triageBody(request)
                let triage = try Self.triageAction(action, body)
                let updated = try await self.triage(alert, triage, by: key.owner, session: "key:" + key.id, access)
                return Response.json(AlertEncoding.json(updated))
            }
        }
        router.post("/v1/alerts/:id/reveal") { request, context in
            let (key, access) = try await self.alertAccess(request)
            let alert = try await self.existingAlert(context, access)
            let body = try await Self.triageBody(request)
            for name in body.keys where name != "reason" {
                throw Problem.badParameter(name, "unknown field for reveal (expected reason)")
            }
            let reason = try Self.text(body, "reason", maximum: 4096)
            try await self.recordReveal(alert, reason: reason, by: key.owner, session: "key:" + key.id)
            return Response.json(
                .object(
                    JSONObject([
                        ("id", .integer(alert.id)), ("pseudonym", .string(alert.pseudonym)),
                        ("actor", .string(alert.actor)),
                    ])
                )
            )
        }
        router.get("/v1/findings") { request, _ in
            let (key, access) = try await self.alertAccess(request)
            var params = try Self.parameters(request)
            let reveal = try Self.flag(&params, "reveal")
            try params.checkKnown(["cursor", "limit"])
            let limit = try params.limit(default: 1000, maximum: 10_000)
            let findings = try await access.store.findings(after: try params.cursor()?.position, limit: limit)
            try await self.recordRead(key, request, resource: "findings")
            let next = findings.count == limit ? findings.last.map { PageCursor(position: $0.id).description } : nil
            return Response.json(
                .object(
                    JSONObject([
                        ("findings", .array(findings.map { AlertEncoding.json($0, reveal: reveal) })),
                        ("next_cursor", next.map { .string($0) } ?? .null),
                    ])
                )
            )
        }
        router.get("/v1/suppressions") { request, _ in
            let (key, access) = try await self.alertAccess(request)
            try Self.parameters(request).checkKnown([])
            let list = try await access.store.suppressions()
            try await self.recordRead(key, request, resource: "suppressions")
            let now = self.clock()
            return Response.json(
                .object(JSONObject([("suppressions", .array(list.map { AlertEncoding.json($0, now: now) }))]))
            )
        }
        router.post("/v1/suppressions") { request, _ in
            let (key, access) = try await self.alertAccess(request)
            let body = try await Self.triageBody(request)
            let allowed: Set<String> = ["rule", "actor", "hours", "reason"]
            for name in body.keys where !allowed.contains(name) {
                throw Problem.badParameter(name, "unknown field (expected rule, actor, hours, reason)")
            }
            let rule = try Self.text(body, "rule", maximum: 256)
            var actor = try Self.text(body, "actor", maximum: 256)
            let reason = try Self.text(body, "reason", maximum: 4096)
            guard case .integer(let hours)? = body["hours"], (1...Self.maximumSuppressionHours).contains(hours) else {
                throw Problem.badParameter(
                    "hours",
                    "must be a whole number of hours from 1 to \(Self.maximumSuppressionHours)"
                )
            }
            let now = self.clock()
            let expires = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + hours * 3_600_000)
            if actor.hasPrefix("p-"), let real = try await access.store.actor(pseudonym: actor) { actor = real }
            try Self.refuseSelf(key.owner, actor, "suppress a rule for yourself")
            try await self.recordTriage(
                key,
                action: "custos.suppression.create",
                resource: rule,
                attributes: JSONObject([
                    ("actor", .string(access.pseudonymizer.pseudonym(actor))), ("expires", .string(expires.rfc3339)),
                    ("reason", .string(reason)),
                ])
            )
            let stored = try await access.store.insertSuppression(
                Suppression(rule: rule, actor: actor, owner: key.owner, reason: reason, created: now, expires: expires)
            )
            return Response.json(AlertEncoding.json(stored, now: now), status: .created)
        }
        router.delete("/v1/suppressions/:id") { request, context in
            let (key, access) = try await self.alertAccess(request)
            let id = try Self.numericID(context)
            guard let existing = try await access.store.suppression(id: id) else {
                throw Problem.notFound("no suppression \(id)")
            }
            try Self.refuseSelf(key.owner, existing.actor, "lift a suppression about yourself")
            try await self.recordTriage(key, action: "custos.suppression.lift", resource: existing.rule)
            guard try await access.store.liftSuppression(id: id, at: self.clock()) else {
                throw Problem(
                    .conflict,
                    type: "conflict",
                    title: "Conflict",
                    detail: "suppression \(id) is already lifted"
                )
            }
            return Response(status: .noContent)
        }
    }

    private func alertAccess(_ request: Request) async throws -> (APIKeyRecord, AlertAccess) {
        let key = try await authenticator.authenticate(request, scope: .triage)
        guard let alerts else {
            throw Problem(
                .serviceUnavailable,
                type: "no-detection",
                title: "Detection not running",
                detail: "this server keeps no alerts",
                headers: [.retryAfter: "60"]
            )
        }
        return (key, alerts)
    }

    /// Applies a triage action for `owner` (an API key's owner or a console account's actor) in `session`: refuses
    /// triage about oneself and status changes the alert does not allow, records the action in the ledger, then
    /// applies it and tells the listeners. The JSON API and the console both triage through here.
    func triage(
        _ alert: Alert,
        _ triage: TriageAction,
        by owner: String,
        session: String,
        _ access: AlertAccess
    ) async throws -> Alert {
        try Self.refuseSelf(owner, alert.actor, "triage an alert about yourself")
        try Self.checkTransition(alert, triage)
        try await recordTriage(
            owner,
            session: session,
            action: "custos.alert.\(triage.name)",
            resource: "\(alert.id)",
            attributes: JSONObject([("detail", .string(String(triage.detail.prefix(4096))))])
        )
        let updated = try await access.store.triage(alert: alert.id, action: triage, by: owner, at: clock())
        await access.onAlertChange(AlertChange(alert: updated, kind: .triaged))
        return updated
    }

    /// Records that `owner` revealed the user behind an alert's pseudonym, with the reason; refuses revealing an alert
    /// about oneself. The JSON API and the console both reveal through here.
    func recordReveal(_ alert: Alert, reason: String, by owner: String, session: String) async throws {
        try Self.refuseSelf(owner, alert.actor, "reveal an alert about yourself")
        try await recordTriage(
            owner,
            session: session,
            action: "custos.alert.reveal",
            resource: "\(alert.id)",
            attributes: JSONObject([("reason", .string(reason)), ("pseudonym", .string(alert.pseudonym))])
        )
    }

    private func existingAlert(_ context: CustosRequestContext, _ access: AlertAccess) async throws -> Alert {
        let id = try Self.numericID(context)
        guard let alert = try await access.store.alert(id: id) else { throw Problem.notFound("no alert \(id)") }
        return alert
    }

    private static func numericID(_ context: CustosRequestContext) throws(Problem) -> Int64 {
        let text = try pathParameter(context, "id")
        guard let id = Int64(text), id >= 1 else { throw Problem.badParameter("id", "must be a positive whole number") }
        return id
    }

    /// Nobody triages, reveals or suppresses about themselves.
    private static func refuseSelf(_ owner: String, _ actor: String, _ what: String) throws(Problem) {
        guard owner != actor else { throw Problem.forbidden("you cannot \(what)") }
    }

    /// Records a triage action as a ledger event, durably, before it takes effect.
    private func recordTriage(
        _ key: APIKeyRecord,
        action: String,
        resource: String,
        attributes: JSONObject? = nil
    ) async throws {
        try await recordTriage(
            key.owner,
            session: "key:" + key.id,
            action: action,
            resource: resource,
            attributes: attributes
        )
    }

    private func recordTriage(
        _ owner: String,
        session: String,
        action: String,
        resource: String,
        attributes: JSONObject? = nil
    ) async throws {
        let event = AccessEvent(
            time: clock(),
            actor: Actor(id: owner, session: session),
            action: action,
            resource: Resource(type: "custos.alert", id: String(resource.prefix(1024))),
            app: "custos",
            attributes: attributes
        )
        if case .invalid(let issues) = EventValidator(allowsReservedActions: true).validate(event.jsonValue) {
            let issue = issues.first.map { "\($0.path): \($0.reason)" } ?? "invalid"
            throw Problem.badParameter("body", "the action cannot be recorded as asked (\(issue))")
        }
        do {
            _ = try await pipeline.submit([event])
        } catch let e as StoreError where e.code == .overloaded {
            throw Problem.overloaded("the action could not be recorded: \(e.message)")
        }
    }

    /// Refuses a status change the alert's status does not allow, before anything is recorded (the store checks
    /// again inside its transaction).
    private static func checkTransition(_ alert: Alert, _ action: TriageAction) throws(Problem) {
        let refusal: String?
        switch action {
        case .acknowledge: refusal = alert.status == .open ? nil : "is \(alert.status.rawValue), not open"
        case .resolve: refusal = alert.status == .resolved ? "is already resolved" : nil
        case .reopen: refusal = alert.status == .resolved ? nil : "is not resolved"
        case .assign, .comment: refusal = nil
        }
        if let refusal {
            throw Problem(.conflict, type: "conflict", title: "Conflict", detail: "alert \(alert.id) \(refusal)")
        }
    }

    private static func triageBody(_ request: Request) async throws -> JSONObject {
        try await JSONRequestBody.object(
            of: request,
            maximumBytes: maximumTriageBodyBytes,
            maximumDepth: 16,
            allowsEmpty: true
        ) ?? JSONObject()
    }

    static func text(_ body: JSONObject, _ name: String, maximum: Int) throws(Problem) -> String {
        guard let value = body[name] else { throw Problem.badParameter(name, "is required") }
        guard case .string(let s) = value else { throw Problem.badParameter(name, "must be a string") }
        guard !s.isEmpty, s.utf8.count <= maximum else {
            throw Problem.badParameter(name, "must be a non-empty string of at most \(maximum) bytes")
        }
        guard !s.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || $0.value == 0x7F })
        else { throw Problem.badParameter(name, "must not contain control characters") }
        return s
    }

    static func triageAction(_ action: String, _ body: JSONObject) throws(Problem) -> TriageAction {
        func only(_ names: Set<String>) throws(Problem) {
            for name in body.keys where !names.contains(name) {
                throw Problem.badParameter(name, "unknown field for \(action)")
            }
        }
        func note() throws(Problem) -> String? {
            guard body["note"] != nil else { return nil }
            return try text(body, "note", maximum: 4096)
        }
        switch action {
        case "assign":
            try only(["assignee"])
            return .assign(try text(body, "assignee", maximum: 256))
        case "comment":
            try only(["text"])
            return .comment(try text(body, "text", maximum: 4096))
        case "acknowledge":
            try only([])
            return .acknowledge
        case "resolve":
            try only(["disposition", "note"])
            let d = try text(body, "disposition", maximum: 64)
            guard let disposition = Disposition(rawValue: d) else {
                throw Problem.badParameter("disposition", "must be one of true_positive, benign, false_positive")
            }
            return .resolve(disposition, note: try note())
        default:
            try only(["note"])
            return .reopen(note: try note())
        }
    }

    static func flag(_ params: inout QueryParameters, _ name: String) throws(Problem) -> Bool {
        guard let value = params.values.removeValue(forKey: name) else { return false }
        switch value {
        case "true": return true
        case "false": return false
        default: throw Problem.badParameter(name, "must be true or false")
        }
    }
}
