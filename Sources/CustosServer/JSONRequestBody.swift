import CustosCore
import Hummingbird

/// Reads a small JSON object from a request body, with the API's errors: 413 over the size, 400 naming the line and
/// column of malformed JSON, 400 for anything but an object.
enum JSONRequestBody {
    /// The body's object; nil for an empty (or blank) body when `allowsEmpty`.
    static func object(
        of request: Request,
        maximumBytes: Int,
        allowsEmpty: Bool = false
    ) async throws -> JSONObject? {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBytes)
        } catch {
            throw Problem(
                .contentTooLarge,
                type: "too-large",
                title: "Request too large",
                detail: "the body exceeds \(maximumBytes) bytes"
            )
        }
        let bytes = Array(buffer: body)
        if allowsEmpty && bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        let json: JSONValue
        do {
            json = try JSONParser(maximumDepth: 8).parse(bytes)
        } catch {
            throw Problem.badParameter(
                "body",
                "malformed JSON at line \(error.line), column \(error.column): \(error.reason)"
            )
        }
        guard case .object(let object) = json else {
            throw Problem.badParameter("body", "must be a JSON object, not \(json.typeName)")
        }
        return object
    }
}
