import Foundation

/// The OpenAPI 3.1 document of the API, served at `/openapi.json` (kept in
/// Sources/CustosServer/Resources/openapi.json).
enum OpenAPIDocument {
    /// The document's bytes, or nil when the resources were not installed beside the binary.
    static let bytes: [UInt8]? = {
        // SwiftPM's `Bundle.module` stops the process when the bundle is missing; look for it without that.
        let name = "custos_CustosServer.resources"
        var candidates: [URL] = [Bundle.main.bundleURL.appendingPathComponent(name)]
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent(name))
        }
        for directory in candidates {
            if let data = FileManager.default.contents(atPath: directory.appendingPathComponent("openapi.json").path) {
                return Array(data)
            }
        }
        return nil
    }()
}
