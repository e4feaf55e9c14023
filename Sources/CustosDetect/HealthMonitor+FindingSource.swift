import Foundation

extension HealthMonitor: FindingSource {
    /// The per-source state as JSON.
    public func snapshotData() throws -> [UInt8] {
        Array(try JSONEncoder().encode(snapshot()))
    }

    /// Resumes the per-source state from JSON.
    public mutating func restore(data: [UInt8]) throws {
        restore(try JSONDecoder().decode(HealthSnapshot.self, from: Data(data)))
    }
}
