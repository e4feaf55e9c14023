import CustosCore
import CustosDetect
import CustosStore
import Foundation
import Hummingbird
import Prometheus
import Synchronization

extension CustosAPI {
    /// The largest back-test request body, in bytes (rule text up to 1 MiB, JSON-escaped).
    static let maximumBacktestBodyBytes = 4 << 20

    /// The fields a back-test request may have.
    static let backtestFields = ["rule", "from", "to", "limit"]

    /// The name rule errors carry for the rule text of a back-test.
    static let backtestRuleFile = "rule"

    func addBacktestRoutes(to router: Router<CustosRequestContext>) {
        router.post("/v1/rules/backtest") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            try Self.parameters(request).checkKnown([])
            let asked = try await Self.backtestRequest(request)
            let ruleSet = RuleSet(files: [Self.backtestRuleFile: asked.rule])
            if !ruleSet.errors.isEmpty { throw Problem.invalidRule(ruleSet.errors) }
            if ruleSet.rules.isEmpty { throw Problem.badParameter("rule", "holds no detection rule") }
            // The reference data in force now: the entity store's current version (or a fixed one, in tests).
            let reference = self.backtest.reference ?? self.entities.current.referenceEnrichment
            var backtest: Backtest
            do {
                backtest = try Backtest(ruleSet: ruleSet, reference: reference, keep: asked.limit)
            } catch let error as RuleError {
                throw Problem.invalidRule([error])
            }
            guard
                self.backtestsRunning.withLock({ running in
                    guard running < self.backtest.maximumConcurrent else { return false }
                    running += 1
                    return true
                })
            else {
                throw Problem(
                    .serviceUnavailable,
                    type: "busy",
                    title: "Busy",
                    detail: "\(self.backtest.maximumConcurrent) back-tests are running; retry later",
                    headers: [.retryAfter: "5"]
                )
            }
            defer { self.backtestsRunning.withLock { $0 -= 1 } }
            // The rule text is what was asked: a rule can single out one person, so it is recorded in full.
            try await self.recorder.record(
                key: key,
                what:
                    "POST /v1/rules/backtest from=\(asked.range.from?.rfc3339 ?? "") to=\(asked.range.to?.rfc3339 ?? "")"
                    + " limit=\(asked.limit)\n" + asked.rule,
                resource: "rules/backtest"
            )
            self.metrics.reads.increment()
            try await self.replay(asked.range, into: &backtest)
            backtest.finish()
            guard case .object(var answer) = backtest.jsonValue else { return Response.json(backtest.jsonValue) }
            answer["from"] = .string(asked.range.from?.rfc3339 ?? "")
            answer["to"] = .string(asked.range.to?.rfc3339 ?? "")
            answer["limit"] = .integer(Int64(asked.limit))
            answer["reference_data"] = .bool(reference != nil)
            answer["rules"] = .array(
                ruleSet.rules.map { .string($0.metadata.reference) }
                    + ruleSet.correlations.map { .string($0.metadata.reference) }
            )
            return Response.json(.object(answer))
        }
    }

    /// Feeds every stored event of `range` to the back-test in `seq` order: by a walk of the commit order when the
    /// store can (``EventRangeScanning``), else page by page.
    ///
    /// - Throws: 400 `too-many-events` beyond ``BacktestSettings/maximumEvents``.
    func replay(_ range: TimeRange, into backtest: inout Backtest) async throws {
        let pageSize = 1000
        func feed(_ events: [StoredEvent]) throws {
            for stored in events {
                guard backtest.eventsScanned < self.backtest.maximumEvents else {
                    throw Problem.tooManyEvents(maximum: self.backtest.maximumEvents)
                }
                backtest.process(stored)
            }
        }
        if let scanner = store as? any EventRangeScanning {
            guard var seqs = try await scanner.seqBounds(of: range) else { return }
            while true {
                try Task.checkCancellation()
                let page = try await scanner.events(seqs: seqs, in: range, limit: pageSize)
                try feed(page)
                guard page.count == pageSize, let last = page.last?.seq, last < seqs.upperBound else { return }
                seqs = (last + 1)...seqs.upperBound
            }
        }
        var cursor: PageCursor?
        repeat {
            try Task.checkCancellation()
            let page = try await store.events(
                EventQuery(range: range, cursor: cursor, limit: pageSize, order: .ascending)
            )
            try feed(page.events)
            cursor = page.nextCursor
        } while cursor != nil
    }

    /// A back-test request as read from its JSON body.
    struct BacktestRequest {
        var rule: String
        var range: TimeRange
        var limit: Int
    }

    static func backtestRequest(_ request: Request) async throws -> BacktestRequest {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw Problem(
                .unsupportedMediaType,
                type: "unsupported-media-type",
                title: "Unsupported media type",
                detail: "send the back-test as application/json: {\"rule\": <Sigma YAML text>, \"from\", \"to\"}"
            )
        }
        guard let object = try await JSONRequestBody.object(of: request, maximumBytes: maximumBacktestBodyBytes) else {
            throw Problem.badParameter("body", "is required")
        }
        for key in object.keys where !backtestFields.contains(key) {
            throw Problem.badParameter(key, "unknown field (expected \(backtestFields.joined(separator: ", ")))")
        }
        guard case .string(let rule)? = object["rule"], !rule.isEmpty else {
            throw Problem.badParameter("rule", "is required: the Sigma YAML text of the rule(s) to back-test")
        }
        guard rule.utf8.count <= 1 << 20 else { throw Problem.badParameter("rule", "is longer than 1 MiB") }
        func time(_ name: String) throws(Problem) -> Timestamp {
            guard case .string(let text)? = object[name] else {
                throw Problem.badParameter(name, "is required: an RFC 3339 time")
            }
            switch Timestamp.parse(text) {
            case .success(let t): return t
            case .failure(let e): throw Problem.badParameter(name, e.reason)
            }
        }
        let from = try time("from")
        let to = try time("to")
        guard from < to else { throw Problem.badParameter("to", "must be after from") }
        var limit = 100
        if let value = object["limit"] {
            guard case .integer(let n) = value, (0...1000).contains(n) else {
                throw Problem.badParameter("limit", "must be a whole number from 0 to 1000")
            }
            limit = Int(n)
        }
        return BacktestRequest(rule: rule, range: TimeRange(from: from, to: to), limit: limit)
    }
}

extension Problem {
    /// 400 for a back-test over more events than one may replay.
    static func tooManyEvents(maximum: Int) -> Problem {
        Problem(
            .badRequest,
            type: "too-many-events",
            title: "Too many events",
            detail: "the range holds more than \(maximum) events, the most one back-test replays; narrow from/to",
            extensions: JSONObject([
                (
                    "errors",
                    .array([
                        .object(
                            JSONObject([
                                ("path", .string("to")),
                                ("reason", .string("the range is too large for one back-test")),
                            ])
                        )
                    ])
                ),
                ("maximum_events", .integer(Int64(maximum))),
            ])
        )
    }

    /// 400 for rule text that does not load: each error with its line, column and message.
    static func invalidRule(_ errors: [RuleError]) -> Problem {
        let list: [JSONValue] = errors.prefix(100).map { error in
            var o = JSONObject([("path", .string("rule"))])
            if let line = error.line { o["line"] = .integer(Int64(line)) }
            if let column = error.column { o["column"] = .integer(Int64(column)) }
            o["reason"] = .string(error.message)
            return .object(o)
        }
        return Problem(
            .badRequest,
            type: "invalid-rule",
            title: "Invalid rule",
            detail: errors.first.map { "\($0)" } ?? "the rule does not load",
            extensions: JSONObject([("errors", .array(list))])
        )
    }
}
