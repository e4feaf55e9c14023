import ArgumentParser
import CustosCore
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where the alert commands find the server: `--server URL --key KEY` (or CUSTOS_API_KEY).
struct ServerTarget: ParsableArguments {
    @Option(name: .long, help: "The URL of a running server (e.g. http://127.0.0.1:8080).")
    var server: String

    @Option(name: .long, help: "An API key with the triage scope (or set CUSTOS_API_KEY).")
    var key: String?

    /// Sends one request and returns the JSON answer; a non-2xx answer becomes an error with the problem's detail.
    func send(
        _ method: String,
        _ path: String,
        parameters: [String: String] = [:],
        body: JSONValue? = nil
    ) async throws -> JSONValue {
        guard let key = key ?? ProcessInfo.processInfo.environment["CUSTOS_API_KEY"] else {
            throw ValidationError("--server needs --key or CUSTOS_API_KEY")
        }
        guard var components = URLComponents(string: server) else { throw ValidationError("--server: not a URL") }
        components.percentEncodedPath =
            String(components.percentEncodedPath.reversed().drop { $0 == "/" }.reversed()) + path
        if !parameters.isEmpty {
            components.queryItems = parameters.sorted { $0.key < $1.key }.map {
                URLQueryItem(name: $0.key, value: $0.value)
            }
        }
        guard let url = components.url else { throw ValidationError("--server: not a URL") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(CanonicalJSON.encode(body))
        }
        let (data, response) = try await sendToServer(request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let doc = data.isEmpty ? JSONValue.null : try? JSONParser().parse(Array(data))
        guard (200..<300).contains(status), let doc else {
            var message = "the server answered \(status)"
            if case .object(let o)? = doc, case .string(let d)? = o["detail"] { message += ": " + d }
            throw ValidationErrorText(message)
        }
        return doc
    }
}
