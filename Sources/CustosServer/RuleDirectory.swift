import Crypto
import CustosDetect
import Foundation

/// The Sigma rule files of a directory (`*.yml`, `*.yaml` but the baselines configuration), read for the detection service, with a fingerprint that
/// changes when any file is added, removed or edited (for hot reload).
struct RuleDirectory: Sendable {
    /// File path → YAML text.
    var files: [String: String]
    /// The names, sizes and modification times of the files, to notice changes cheaply.
    var fingerprint: String

    /// The fingerprint of a directory without reading the files.
    static func fingerprint(of directory: String) -> String {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
        return names.map { name in
            let attributes = try? fm.attributesOfItem(atPath: (directory as NSString).appendingPathComponent(name))
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(name)\t\(size)\t\(modified)"
        }.joined(separator: "\n")
    }

    /// Reads every rule file of a directory.
    static func read(_ directory: String) -> RuleDirectory {
        let fingerprint = fingerprint(of: directory)
        var files: [String: String] = [:]
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter(RuleDirectoryFiles.isSigmaFile)
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            if let data = FileManager.default.contents(atPath: path) {
                files[path] = String(decoding: data, as: UTF8.self)
            }
        }
        return RuleDirectory(files: files, fingerprint: fingerprint)
    }

    /// Each rule's version: the first 12 hex digits of the SHA-256 of its file, by rule reference.
    func versions(of ruleSet: RuleSet) -> [String: String] {
        var hashes: [String: String] = [:]
        for (path, text) in files {
            hashes[path] = SHA256.hash(data: Array(text.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
        }
        var out: [String: String] = [:]
        for rule in ruleSet.rules { out[rule.metadata.reference] = hashes[rule.metadata.location.file] }
        for correlation in ruleSet.correlations {
            out[correlation.metadata.reference] = hashes[correlation.metadata.location.file]
        }
        return out
    }
}
