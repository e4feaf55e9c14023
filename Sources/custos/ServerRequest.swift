import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one request to a Custos server for a command; when the server cannot be reached the error names its
/// address and the reason (refused, unknown host, timed out), not the networking layer's error record.
func sendToServer(_ request: URLRequest) async throws -> (Data, URLResponse) {
    do {
        return try await URLSession.shared.data(for: request)
    } catch {
        let address = request.url.map { "\($0.scheme ?? "http")://\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")" }
        throw ValidationErrorText("cannot reach \(address ?? "the server"): \(error.localizedDescription)")
    }
}
