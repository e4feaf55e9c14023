import CustosCore
import CustosStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Prometheus

extension CustosAPI {
    /// Adds the console's pages (when the server was given a console), its sign-in and its static files.
    func addConsoleRoutes(to router: Router<CustosRequestContext>) {
        guard let console else { return }
        router.get("/static/console.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: ConsoleAssets.css))
            )
        }
        router.get("/static/console.js") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: ConsoleAssets.javascript))
            )
        }
        router.get("/login") { request, _ in
            let next = request.uri.queryParameters["next"].map(String.init) ?? "/"
            return self.render(
                console,
                "login",
                title: "Sign in",
                signedIn: nil,
                section: nil,
                data: ["next": Self.safeNext(next)]
            )
        }
        router.post("/login") { request, context in
            try await self.signIn(console, request, clientAddress: context.remoteAddress?.ipAddress)
        }
        router.post("/logout") { request, _ in
            guard let signedIn = try await self.signedIn(console, request) else { return Self.toLogin(request) }
            let form = try await Self.form(request)
            if let refusal = ConsoleRequestCheck.refusal(
                headers: request.headers,
                authority: request.head.authority,
                formToken: form["csrf"],
                sessionToken: signedIn.session.csrfToken
            ) {
                return self.refuse(console, signedIn, refusal)
            }
            try await console.sessions.end(id: signedIn.cookie)
            var response = Response.redirect(to: "/login", type: .found)
            response.headers[.init("Set-Cookie")!] =
                "\(Console.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                + (console.configuration.secureCookies ? "; Secure" : "")
            return response
        }
        addConsoleOverviewRoutes(console, to: router)
        addConsolePeopleRoutes(console, to: router)
        addConsoleDatasetRoutes(console, to: router)
        addConsoleSearchRoutes(console, to: router)
        addConsoleSubjectRoutes(console, to: router)
        addConsoleLedgerRoutes(console, to: router)
        addConsoleAdminRoutes(console, to: router)
        addConsoleAlertRoutes(console, to: router)
    }

    /// Signs in from the form; failures are throttled per username and per client address (when known).
    private func signIn(_ console: Console, _ request: Request, clientAddress: String?) async throws -> Response {
        let form = try await Self.form(request)
        let username = form["username"] ?? ""
        let next = Self.safeNext(form["next"] ?? "/")
        func again(_ message: String, status: HTTPResponse.Status) -> Response {
            var r = render(
                console,
                "login",
                title: "Sign in",
                signedIn: nil,
                section: nil,
                data: ["error": message, "username": username, "next": next]
            )
            r.status = status
            return r
        }
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" {
            return again("Cross-site sign-in refused.", status: .forbidden)
        }
        let now = clock()
        let userKey = "user:" + username.lowercased()
        let keys = [userKey] + (clientAddress.map { ["ip:" + $0] } ?? [])
        if console.throttle.isBlocked(keys, now: now) {
            return again("Too many failed attempts; try again in 15 minutes.", status: .tooManyRequests)
        }
        guard let account = try await console.accounts.account(username: username), account.disabled == nil,
            ConsolePasswords.verify(form["password"] ?? "", hash: account.passwordHash)
        else {
            console.throttle.recordFailure(keys, now: now)
            return again("Unknown username or wrong password.", status: .unauthorized)
        }
        // Only the username's count starts over: signing in to one's own account must not reset the address's.
        console.throttle.reset([userKey])
        let (id, _) = try await console.sessions.create(username: account.username, now: now)
        var response = Response.redirect(to: next, type: .found)
        response.headers[.init("Set-Cookie")!] =
            "\(Console.cookieName)=\(id); Path=/; HttpOnly; SameSite=Strict"
            + (console.configuration.secureCookies ? "; Secure" : "")
        return response
    }

    /// The signed-in account of `request`, or nil (no cookie, unknown or expired session, disabled account).
    func signedIn(_ console: Console, _ request: Request) async throws -> SignedIn? {
        guard let cookie = request.cookies[Console.cookieName]?.value, !cookie.isEmpty,
            let session = try await console.sessions.session(id: cookie, now: clock())
        else { return nil }
        guard let account = try await console.accounts.account(username: session.username), account.disabled == nil
        else {
            try await console.sessions.end(id: cookie)
            return nil
        }
        return SignedIn(account: account, session: session, cookie: cookie)
    }

    /// Runs `body` for a signed-in account that may open `section`; otherwise redirects to sign-in or answers 403.
    func page(
        _ console: Console,
        _ request: Request,
        _ section: ConsoleSection,
        _ body: (SignedIn) async throws -> Response
    ) async throws -> Response {
        guard let signedIn = try await signedIn(console, request) else { return Self.toLogin(request) }
        guard signedIn.account.role.mayOpen(section) else {
            return refuse(console, signedIn, "Your role (\(signedIn.account.role.title)) may not open this page.")
        }
        do {
            return try await body(signedIn)
        } catch let p as Problem {
            var r = render(
                console,
                "message",
                title: p.title,
                signedIn: signedIn,
                section: section,
                data: ["message": p.detail, "kind": "error"]
            )
            r.status = p.status
            return r
        }
    }

    /// Checks a console POST's origin and CSRF token; nil when it may proceed, else the 403 answer.
    func checkPost(_ console: Console, _ request: Request, _ signedIn: SignedIn) async throws -> Response? {
        let form = try await Self.form(request)
        guard
            let refusal = ConsoleRequestCheck.refusal(
                headers: request.headers,
                authority: request.head.authority,
                formToken: form["csrf"],
                sessionToken: signedIn.session.csrfToken
            )
        else { return nil }
        return refuse(console, signedIn, refusal)
    }

    func refuse(_ console: Console, _ signedIn: SignedIn, _ message: String) -> Response {
        var r = render(
            console,
            "message",
            title: "Not allowed",
            signedIn: signedIn,
            section: nil,
            data: ["message": message, "kind": "error"]
        )
        r.status = .forbidden
        return r
    }

    /// Records a console page view of audit data as a `custos.read` event of the account's actor.
    func recordView(_ signedIn: SignedIn, _ request: Request, resource: String, subjects: [String] = []) async throws {
        try await recorder.record(
            actor: signedIn.account.actor,
            session: signedIn.session.label,
            what: "GET " + request.uri.description,
            resource: "console/" + resource,
            subjects: subjects
        )
        metrics.reads.increment()
    }

    /// Renders a page into the layout, with the security headers every console answer carries.
    func render(
        _ console: Console,
        _ template: String,
        title: String,
        signedIn: SignedIn?,
        section: ConsoleSection?,
        data: [String: Any]
    ) -> Response {
        // An empty string is "true" to a Mustache section: leave such values out, so `{{#next}}` means "there is one".
        let data = data.filter { !(($0.value as? String)?.isEmpty ?? false) }
        let body = console.library.render(data, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let signedIn {
            let role = signedIn.account.role
            layout["account"] =
                [
                    "username": signedIn.account.username, "role": role.title, "csrf": signedIn.session.csrfToken,
                    "nav": Console.navigation.filter { role.mayOpen($0.section) }.map {
                        ["href": $0.href, "label": $0.label, "current": $0.section == section] as [String: Any]
                    },
                ] as [String: Any]
        }
        let html = console.library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: .ok,
            headers: Self.consoleHeaders(contentType: "text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    static func consoleHeaders(contentType: String) -> HTTPFields {
        var h: HTTPFields = [.contentType: contentType, .cacheControl: "no-store"]
        h[.init("Content-Security-Policy")!] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
            + "form-action 'self'; base-uri 'none'"
        h[.init("X-Frame-Options")!] = "DENY"
        h[.init("X-Content-Type-Options")!] = "nosniff"
        h[.init("Referrer-Policy")!] = "same-origin"
        return h
    }

    static func toLogin(_ request: Request) -> Response {
        Response.redirect(
            to: ConsoleFormat.link("/login", [("next", request.uri.description)]),
            type: .normal
        )
    }

    /// A redirect target that stays on this site.
    static func safeNext(_ next: String) -> String {
        next.hasPrefix("/") && !next.hasPrefix("//") && !next.hasPrefix("/\\") ? next : "/"
    }

    /// The fields of a URL-encoded form body (at most 64 KiB); a repeated field keeps its first value.
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 << 10)
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }

    /// The URL query's parameters without the empty ones (an empty form field means "any").
    static func nonEmptyParameters(_ request: Request) throws(Problem) -> QueryParameters {
        var p = try parameters(request)
        p.values = p.values.filter { !$0.value.isEmpty }
        return p
    }
}
