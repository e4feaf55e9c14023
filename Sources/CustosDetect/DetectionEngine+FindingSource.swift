import Foundation

extension DetectionEngine: FindingSource {
    /// The correlation windows as JSON.
    public func snapshotData() throws -> [UInt8] {
        Array(try JSONEncoder().encode(snapshot()))
    }

    /// Resumes the correlation windows from JSON.
    public mutating func restore(data: [UInt8]) throws {
        restore(try JSONDecoder().decode(CorrelationSnapshot.self, from: Data(data)))
    }
}
