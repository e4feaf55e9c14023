import CustosCore
import Hummingbird

/// Reads JSON request bodies with the API's errors: 413 over the size, 400 (path `body`) naming the line and column
/// of malformed JSON, 400 for anything but an object where an object is wanted. Every JSON route reads its body here.
enum JSONRequestBody {
    /// The body's bytes, at most `maximumBytes` (413 beyond).
    static func bytes(of request: Request, maximumBytes: Int) async throws -> [UInt8] {
        do {
            return Array(buffer: try await request.body.collect(upTo: maximumBytes))
        } catch {
            throw Problem(
                .contentTooLarge,
                type: "too-large",
                title: "Request too large",
                detail: "the body exceeds \(maximumBytes) bytes"
            )
        }
    }

    /// Parses body bytes as JSON nested at most `maximumDepth` deep.
    static func value(_ bytes: [UInt8], maximumDepth: Int) throws(Problem) -> JSONValue {
        do {
            return try JSONParser(maximumDepth: maximumDepth).parse(bytes)
        } catch {
            throw Problem.badParameter(
                "body",
                "malformed JSON at line \(error.line), column \(error.column): \(error.reason)"
            )
        }
    }

    /// The body's object; nil for an empty (or blank) body when `allowsEmpty`.
    static func object(
        of request: Request,
        maximumBytes: Int,
        maximumDepth: Int = 8,
        allowsEmpty: Bool = false
    ) async throws -> JSONObject? {
        let bytes = try await bytes(of: request, maximumBytes: maximumBytes)
        if allowsEmpty && bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        let json = try value(bytes, maximumDepth: maximumDepth)
        guard case .object(let object) = json else {
            throw Problem.badParameter("body", "must be a JSON object, not \(json.typeName)")
        }
        return object
    }
}
