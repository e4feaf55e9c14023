public import CustosLedger
import Foundation

/// The durable state of a witness: the latest cosigned checkpoint of each log, in one JSON file that is replaced
/// atomically (written to a temporary file, synced, renamed over the old one, and the directory synced), so a
/// crash leaves either the old state or the new one.
public struct WitnessStateFile: Sendable {
    /// The file's path.
    public let path: String

    /// A state file at `path`.
    public init(path: String) {
        self.path = path
    }

    private struct Document: Codable {
        var version: Int
        var logs: [WitnessRecord]
    }

    /// The records, by origin; empty when the file does not exist yet.
    ///
    /// - Throws: ``WitnessStateError`` if the file exists but cannot be read or parsed.
    public func load() throws -> [String: WitnessRecord] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WitnessStateError("cannot read \(path)")
        }
        do {
            let document = try JSONDecoder().decode(Document.self, from: data)
            guard document.version == 1 else { throw WitnessStateError("unknown version \(document.version)") }
            return Dictionary(document.logs.map { ($0.origin, $0) }, uniquingKeysWith: { _, last in last })
        } catch let error as WitnessStateError {
            throw WitnessStateError("\(path): \(error.description)")
        } catch {
            throw WitnessStateError("\(path) is not a witness state file: \(error)")
        }
    }

    /// Replaces the file with `records`, durably, before returning.
    public func save(_ records: [String: WitnessRecord]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(Document(version: 1, logs: records.values.sorted { $0.origin < $1.origin }))
        do {
            try DurableFile.replace(path, with: data)
        } catch {
            throw WitnessStateError(error.description)
        }
    }
}

/// A witness state file that cannot be used.
public struct WitnessStateError: Error, CustomStringConvertible {
    /// Why.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
