import CustosCore
public import CustosDetect
import Foundation

/// The reference data of detection: the data directory's `entities.json` (Cedar entities, as `custos simulate`
/// writes them), indexed for `enrichment.*` fields (docs/rules.md, "Reference enrichment").
public enum ReferenceFile {
    /// Indexes `DATA/entities.json`; nil when the file does not exist.
    ///
    /// - Throws: ``ConfigurationError`` when it exists but cannot be read or is not JSON.
    public static func load(dataDirectory: String) throws -> ReferenceEnrichment? {
        let path = (dataDirectory as NSString).appendingPathComponent(LoadedPolicies.entitiesFile)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(path: path, field: "", reason: "cannot be read")
        }
        do {
            return ReferenceEnrichment(entities: try JSONParser(maximumDepth: 256).parse(Array(data)))
        } catch {
            throw ConfigurationError(path: path, field: "", reason: "is not valid JSON: \(error)")
        }
    }
}
