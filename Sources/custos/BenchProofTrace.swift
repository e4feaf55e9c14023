import CustosStore
import Foundation
import Synchronization

/// What `custos bench ledger --trace` learns about each timed proof: which tiles it had to read (the rest came
/// from the tile cache) and how many minor page faults the thread took meanwhile, so that the slow proofs can be
/// told apart by the path they took.
final class BenchProofTrace: LedgerTileReader, Sendable {
    /// One proof's reads and faults.
    struct Path: Hashable, Comparable {
        /// The reads, in order, e.g. `L0+interiors`, `hashed L1/full`.
        var reads: [String] = []

        var name: String { reads.isEmpty ? "cache only" : reads.joined(separator: ", ") }

        static func < (a: Path, b: Path) -> Bool { a.name < b.name }
    }

    private let reader: any LedgerTileReader
    private let current = Mutex(Path())

    /// Traces the reads made through `reader`.
    init(wrapping reader: any LedgerTileReader) {
        self.reader = reader
    }

    /// Starts a new proof's path and returns the previous one.
    func take() -> Path {
        current.withLock { path in
            defer { path = Path() }
            return path
        }
    }

    func withHashTile<T>(level: Int, index: UInt64, _ body: (Int, UnsafeRawBufferPointer) throws -> T) throws -> T? {
        try reader.withHashTile(level: level, index: index) { width, bytes in
            current.withLock { $0.reads.append("hashed L\(level)/\(width == 256 ? "full" : "partial")") }
            return try body(width, bytes)
        }
    }

    func withFullLeafTile<T>(
        index: UInt64,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        try withFullTile(level: 0, index: index, body)
    }

    func withFullTile<T>(
        level: Int,
        index: UInt64,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        let result = try reader.withFullTile(level: level, index: index, body)
        current.withLock { $0.reads.append(result == nil ? "L\(level) no interiors" : "L\(level)+interiors") }
        return result
    }

    /// The minor page faults taken by the calling thread so far.
    static func minorFaults() -> Int {
        var usage = rusage()
        getrusage(1, &usage)  // RUSAGE_THREAD (Linux), which Glibc does not export to Swift
        return usage.ru_minflt
    }

    /// A table of the proofs by path: for all of them and for those slower (thread CPU time) than the 99th
    /// percentile, the count, the median and the mean minor page faults.
    static func report(kind: String, samples: [(cpu: Double, path: Path, faults: Int)]) -> String {
        let sorted = samples.sorted { $0.cpu < $1.cpu }
        let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))].cpu
        var lines = ["\(kind) proofs by path (thread CPU; p99 \(String(format: "%.1f", p99 * 1e6)) µs):"]
        let groups = Dictionary(grouping: sorted) { $0.path }
        for (path, members) in groups.sorted(by: { $0.value.count > $1.value.count }) {
            let slow = members.filter { $0.cpu >= p99 }
            let median = members[members.count / 2].cpu
            let faults = Double(members.map(\.faults).reduce(0, +)) / Double(members.count)
            lines.append(
                "  \(String(members.count).padding(toLength: 6, withPad: " ", startingAt: 0)) "
                    + "at/above p99 \(String(slow.count).padding(toLength: 4, withPad: " ", startingAt: 0)) "
                    + "median \(String(format: "%6.1f", median * 1e6)) µs  faults \(String(format: "%4.1f", faults))  "
                    + path.name
            )
        }
        let slowest = sorted.suffix(max(1, sorted.count / 100))
        let slowFaults = Double(slowest.map(\.faults).reduce(0, +)) / Double(slowest.count)
        lines.append("  slowest 1%: mean minor faults \(String(format: "%.1f", slowFaults))")
        return lines.joined(separator: "\n")
    }
}
