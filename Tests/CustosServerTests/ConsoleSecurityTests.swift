import CustosCore
import CustosServer
import CustosStore
import Foundation
import HTTPTypes
import Hummingbird
import Testing

@Suite("Console sessions, CSRF, throttling and roles")
struct ConsoleSecurityTests {
    static func t(_ ms: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: ms) }

    @Test func sessionsAreFoundByTheirIdOnlyAndCarryARandomCSRFToken() async throws {
        let sessions = ConsoleSessions()
        let (id, session) = try await sessions.create(username: "ann", now: Self.t(0))
        #expect(id.count == 64)
        #expect(session.csrfToken.count == 64)
        #expect(session.csrfToken != id)
        #expect(!session.label.contains(id.prefix(12)))
        #expect(try await sessions.session(id: id, now: Self.t(1000))?.username == "ann")
        #expect(try await sessions.session(id: String(id.dropLast()) + "x", now: Self.t(1000)) == nil)
        let (other, otherSession) = try await sessions.create(username: "bob", now: Self.t(0))
        #expect(other != id)
        #expect(otherSession.csrfToken != session.csrfToken)
    }

    @Test func sessionsExpireWhenIdleAndAtTheAbsoluteLimit() async throws {
        let sessions = ConsoleSessions(idleMilliseconds: 1000, absoluteMilliseconds: 5000)
        let (id, _) = try await sessions.create(username: "ann", now: Self.t(0))
        // Used every 900 ms it stays alive until the absolute limit.
        for step in 1...5 { #expect(try await sessions.session(id: id, now: Self.t(Int64(step) * 900)) != nil) }
        #expect(try await sessions.session(id: id, now: Self.t(5000)) == nil)
        let (idle, _) = try await sessions.create(username: "ann", now: Self.t(10_000))
        #expect(try await sessions.session(id: idle, now: Self.t(11_000)) == nil)
    }

    @Test func endingASessionSignsItOut() async throws {
        let sessions = ConsoleSessions()
        let (a, _) = try await sessions.create(username: "ann", now: Self.t(0))
        let (b, _) = try await sessions.create(username: "ann", now: Self.t(0))
        let (c, _) = try await sessions.create(username: "bob", now: Self.t(0))
        try await sessions.end(id: a)
        #expect(try await sessions.session(id: a, now: Self.t(1)) == nil)
        #expect(try await sessions.session(id: b, now: Self.t(1)) != nil)
        try await sessions.endAll(username: "ann")
        #expect(try await sessions.session(id: b, now: Self.t(1)) == nil)
        #expect(try await sessions.session(id: c, now: Self.t(1)) != nil)
    }

    @Test func failedSignInsAreThrottledPerKeyWithinTheWindow() {
        let throttle = LoginThrottle(maximumFailures: 3, windowMilliseconds: 10_000)
        let keys = ["user:ann"]
        for i in 0..<3 {
            #expect(!throttle.isBlocked(keys, now: Self.t(Int64(i))))
            throttle.recordFailure(keys, now: Self.t(Int64(i)))
        }
        #expect(throttle.isBlocked(keys, now: Self.t(5)))
        #expect(!throttle.isBlocked(["user:bob"], now: Self.t(5)))
        #expect(!throttle.isBlocked(keys, now: Self.t(10_003)))
        throttle.recordFailure(keys, now: Self.t(20_000))
        throttle.reset(keys)
        #expect(!throttle.isBlocked(keys, now: Self.t(20_001)))
    }

    @Test func clientAddressesHaveTheirOwnHigherLimit() {
        let throttle = LoginThrottle(maximumFailures: 3, maximumAddressFailures: 6, windowMilliseconds: 10_000)
        // Six different usernames from one address: no username reaches 3, the address reaches 6.
        for i in 0..<6 {
            #expect(!throttle.isBlocked(["user:u\(i)", "ip:10.0.0.1"], now: Self.t(Int64(i))))
            throttle.recordFailure(["user:u\(i)", "ip:10.0.0.1"], now: Self.t(Int64(i)))
        }
        #expect(throttle.isBlocked(["user:fresh", "ip:10.0.0.1"], now: Self.t(10)))
        #expect(!throttle.isBlocked(["user:fresh", "ip:10.0.0.2"], now: Self.t(10)))
        #expect(!throttle.isBlocked(["user:fresh", "ip:10.0.0.1"], now: Self.t(10_006)))
    }

    static func headers(_ pairs: [(String, String)]) -> HTTPFields {
        var h = HTTPFields()
        for (k, v) in pairs { h[HTTPField.Name(k)!] = v }
        return h
    }

    @Test func postsNeedTheSessionTokenAndTheConsolesOwnOrigin() {
        let token = "abc123"
        let same = Self.headers([("Origin", "http://127.0.0.1:8080"), ("Sec-Fetch-Site", "same-origin")])
        #expect(
            ConsoleRequestCheck.refusal(
                headers: same,
                authority: "127.0.0.1:8080",
                formToken: token,
                sessionToken: token
            )
                == nil
        )
        #expect(
            ConsoleRequestCheck.refusal(headers: same, authority: "127.0.0.1:8080", formToken: nil, sessionToken: token)
                != nil
        )
        #expect(
            ConsoleRequestCheck.refusal(
                headers: same,
                authority: "127.0.0.1:8080",
                formToken: "abc124",
                sessionToken: token
            ) != nil
        )
        let crossOrigin = Self.headers([("Origin", "http://evil.example")])
        #expect(
            ConsoleRequestCheck.refusal(
                headers: crossOrigin,
                authority: "127.0.0.1:8080",
                formToken: token,
                sessionToken: token
            ) == "cross-origin request refused"
        )
        let crossSite = Self.headers([("Sec-Fetch-Site", "cross-site")])
        #expect(
            ConsoleRequestCheck.refusal(headers: crossSite, authority: nil, formToken: token, sessionToken: token)
                == "cross-site request refused"
        )
        let opaque = Self.headers([("Origin", "null")])
        #expect(
            ConsoleRequestCheck.refusal(headers: opaque, authority: "h", formToken: token, sessionToken: token) != nil
        )
    }

    static func account(_ role: ConsoleRole, units: [String] = []) -> ConsoleAccount {
        ConsoleAccount(username: "u", passwordHash: "", role: role, actor: "a", orgUnits: units, created: t(0))
    }

    @Test func supervisorsSeeOnlyTheirOwnOrgUnits() {
        let s = Self.account(.supervisor, units: ["fo/minneapolis"])
        #expect(s.mayView(orgUnit: "fo/minneapolis"))
        #expect(s.mayView(orgUnit: "fo/minneapolis/team-2"))
        #expect(!s.mayView(orgUnit: "fo/minneapolis-west"))
        #expect(!s.mayView(orgUnit: "fo/chicago"))
        #expect(!s.mayView(orgUnit: nil))
        #expect(Self.account(.privacyOfficer).mayView(orgUnit: "fo/chicago"))
        #expect(!Self.account(.auditor).mayView(orgUnit: "fo/chicago"))
    }

    @Test func rolesOpenOnlyTheirSections() {
        #expect(ConsoleRole.auditor.mayOpen(.ledger))
        #expect(ConsoleRole.auditor.mayOpen(.subjects))
        #expect(!ConsoleRole.auditor.mayOpen(.accounts))
        #expect(!ConsoleRole.auditor.mayOpen(.people))
        #expect(!ConsoleRole.supervisor.mayOpen(.search))
        #expect(!ConsoleRole.supervisor.mayOpen(.subjects))
        #expect(ConsoleRole.admin.mayOpen(.accounts))
        #expect(!ConsoleRole.admin.mayOpen(.search))
        #expect(!ConsoleRole.privacyOfficer.mayOpen(.accounts))
        for role in ConsoleRole.allCases { #expect(role.mayOpen(.overview)) }
    }

    @Test func passwordsAreBcryptHashedAndChecked() {
        let hash = ConsolePasswords.hash("correct horse battery", cost: 4)
        #expect(hash.hasPrefix("$2"))
        #expect(ConsolePasswords.verify("correct horse battery", hash: hash))
        #expect(!ConsolePasswords.verify("correct horse battery!", hash: hash))
        #expect(ConsolePasswords.weakness("short") != nil)
        #expect(ConsolePasswords.weakness("long enough password") == nil)
    }

    @Test func chartsEscapeTheirLabels() {
        let svg = SVGBarChart(title: "<t>", bars: [.init(label: "a&b", value: 3), .init(label: "c", value: 0)]).svg
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("a&amp;b"))
        #expect(!svg.contains("<t>"))
        #expect(svg.components(separatedBy: "<rect").count == 3)
    }
}
