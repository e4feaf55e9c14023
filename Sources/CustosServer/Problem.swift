import CustosCore
import Hummingbird

/// An error answered as `application/problem+json` (RFC 9457): a type URI, a title, the status, a detail for
/// people, and for invalid input the list of each bad field.
public struct Problem: Error, HTTPResponseError, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A short, stable summary of the problem type.
    public var title: String
    /// What happened in this case.
    public var detail: String
    /// A URI naming the problem type (documented in docs/api.md).
    public var type: String
    /// Extra members (`errors`, `conflicts`, …).
    public var extensions: JSONObject
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPFields

    /// Creates a problem.
    public init(
        _ status: HTTPResponse.Status,
        type: String,
        title: String,
        detail: String,
        extensions: JSONObject = JSONObject(),
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    /// The problem as its JSON document.
    public var document: JSONValue {
        var o = JSONObject()
        o["type"] = .string("https://custos.dev/problems/" + type)
        o["title"] = .string(title)
        o["status"] = .integer(Int64(status.code))
        o["detail"] = .string(detail)
        for (k, v) in extensions.members { o[k] = v }
        return .object(o)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(
            status: status,
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(document)))
        )
    }
}

extension Problem {
    /// 400 for a query or path parameter that is malformed.
    static func badParameter(_ name: String, _ reason: String) -> Problem {
        Problem(
            .badRequest,
            type: "invalid-parameter",
            title: "Invalid parameter",
            detail: "\(name): \(reason)",
            extensions: JSONObject([
                ("errors", .array([.object(JSONObject([("path", .string(name)), ("reason", .string(reason))]))]))
            ])
        )
    }

    /// 400 for an invalid batch, listing each issue.
    static func invalidEvents(_ error: EventBatchError) -> Problem {
        let list: [JSONValue] = error.issues.map { issue in
            var o = JSONObject()
            if let i = issue.index { o["index"] = .integer(Int64(i)) }
            o["path"] = .string(issue.path)
            o["reason"] = .string(issue.reason)
            return .object(o)
        }
        return Problem(
            .badRequest,
            type: "invalid-events",
            title: "Invalid events",
            detail: error.summary,
            extensions: JSONObject([
                ("errors", .array(list)), ("invalid_events", .integer(Int64(error.invalidEvents))),
                ("omitted_errors", .integer(Int64(error.omittedIssues))),
            ])
        )
    }

    /// 503 when the ingest queue is full.
    static func overloaded(_ detail: String) -> Problem {
        Problem(
            .serviceUnavailable,
            type: "overloaded",
            title: "Overloaded",
            detail: detail + "; retry later",
            headers: [.retryAfter: "1"]
        )
    }

    /// 401 without valid credentials.
    static func unauthorized(_ detail: String) -> Problem {
        Problem(
            .unauthorized,
            type: "unauthorized",
            title: "Unauthorized",
            detail: detail,
            headers: [.wwwAuthenticate: "Bearer realm=\"custos\""]
        )
    }

    /// 403 when the key lacks a scope.
    static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, type: "forbidden", title: "Forbidden", detail: detail)
    }

    /// 404.
    static func notFound(_ detail: String) -> Problem {
        Problem(.notFound, type: "not-found", title: "Not found", detail: detail)
    }
}
