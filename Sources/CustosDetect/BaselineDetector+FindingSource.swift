import Foundation

extension BaselineDetector: FindingSource {
    /// The per-user baselines as JSON.
    public func snapshotData() throws -> [UInt8] {
        Array(try JSONEncoder().encode(snapshot()))
    }

    /// Resumes the per-user baselines from JSON.
    public mutating func restore(data: [UInt8]) throws {
        restore(try JSONDecoder().decode(BaselineSnapshot.self, from: Data(data)))
    }
}
