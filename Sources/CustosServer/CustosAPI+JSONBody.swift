import CustosCore
import Hummingbird

extension CustosAPI {
    /// Reads a JSON request body of at most `limit` bytes: 415 unless it is sent as `application/json`, 413 when
    /// it is larger, 400 (path `body`) with the line and column when it is malformed.
    static func jsonBody(_ request: Request, limit: Int) async throws -> JSONValue {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw Problem(
                .unsupportedMediaType,
                type: "unsupported-media-type",
                title: "Unsupported media type",
                detail: "send the request as application/json"
            )
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw Problem(
                .contentTooLarge,
                type: "too-large",
                title: "Request too large",
                detail: "the body exceeds \(limit) bytes"
            )
        }
        do {
            return try JSONParser(maximumDepth: 64).parse(Array(buffer: body))
        } catch {
            throw Problem.badParameter(
                "body",
                "malformed JSON at line \(error.line), column \(error.column): \(error.reason)"
            )
        }
    }
}
