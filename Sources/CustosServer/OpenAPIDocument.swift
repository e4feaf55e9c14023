import Foundation

/// The OpenAPI 3.1 document of the API, served at `/openapi.json` (the same file as docs/openapi.json).
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return Array("{}".utf8) }
        return Array(data)
    }()
}
