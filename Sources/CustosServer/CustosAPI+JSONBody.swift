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
        return try JSONRequestBody.value(
            try await JSONRequestBody.bytes(of: request, maximumBytes: limit),
            maximumDepth: 64
        )
    }
}
