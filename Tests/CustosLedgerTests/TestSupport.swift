import CustosCore
import Foundation
import Testing

@testable import CustosLedger

/// Locates and reads the shared known-answer data in `shared/conformance/merkle`, beside the repository.
enum Conformance {
    /// `<repo parent>/shared/conformance/merkle`, found from this file's path (Tests/CustosLedgerTests/… → up 3).
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CustosLedgerTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .deletingLastPathComponent()  // repository parent
        .appendingPathComponent("shared/conformance/merkle", isDirectory: true)

    /// Fails the calling test with a clear message when the conformance folder is missing.
    static func requireDirectory(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory)
        try #require(
            exists && isDirectory.boolValue,
            "conformance data missing: expected the folder \(directory.path) (shared/ beside the repository)",
            sourceLocation: sourceLocation
        )
        return directory
    }

    /// Reads one file under the conformance folder.
    static func data(_ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Data {
        let url = try requireDirectory(sourceLocation: sourceLocation).appendingPathComponent(relativePath)
        return try Data(contentsOf: url)
    }

    /// Decodes one JSON file under the conformance folder.
    static func decode<Value: Decodable>(
        _ type: Value.Type,
        from relativePath: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Value {
        try JSONDecoder().decode(type, from: data(relativePath, sourceLocation: sourceLocation))
    }

    /// Every `.json` file below a folder of the conformance data, sorted by path, with paths relative to it.
    static func jsonFiles(under relativeFolder: String) throws -> [String] {
        let root = try requireDirectory().appendingPathComponent(relativeFolder)
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [String] = []
        while let next = enumerator.nextObject() as? String {
            if next.hasSuffix(".json") {
                files.append(relativeFolder + "/" + next)
            }
        }
        return files.sorted()
    }
}

extension SplitMix64 {
    /// `count` random bytes.
    mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }
}

/// Reference RFC 9162 §2.1 definitions, written recursively over arrays, to check the module's iterative code.
enum ReferenceMerkle {
    static func root(_ leaves: ArraySlice<TreeHash>) -> TreeHash {
        if leaves.isEmpty { return MerkleTreeHasher.emptyTreeHash }
        if leaves.count == 1 { return leaves[leaves.startIndex] }
        let k = splitPoint(leaves.count)
        let mid = leaves.startIndex + k
        return MerkleTreeHasher.nodeHash(left: root(leaves[..<mid]), right: root(leaves[mid...]))
    }

    static func inclusionPath(_ m: Int, _ leaves: ArraySlice<TreeHash>) -> [TreeHash] {
        if leaves.count <= 1 { return [] }
        let k = splitPoint(leaves.count)
        let mid = leaves.startIndex + k
        if m < k {
            return inclusionPath(m, leaves[..<mid]) + [root(leaves[mid...])]
        }
        return inclusionPath(m - k, leaves[mid...]) + [root(leaves[..<mid])]
    }

    static func consistencyProof(_ m: Int, _ leaves: ArraySlice<TreeHash>) -> [TreeHash] {
        subproof(m, leaves, true)
    }

    private static func subproof(_ m: Int, _ leaves: ArraySlice<TreeHash>, _ b: Bool) -> [TreeHash] {
        if m == leaves.count { return b ? [] : [root(leaves)] }
        let k = splitPoint(leaves.count)
        let mid = leaves.startIndex + k
        if m <= k {
            return subproof(m, leaves[..<mid], b) + [root(leaves[mid...])]
        }
        return subproof(m - k, leaves[mid...], false) + [root(leaves[..<mid])]
    }

    /// The largest power of two strictly below `n` (n >= 2).
    private static func splitPoint(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        self = Hex.decode(hex)!
    }
}

/// Asserts that `body` throws a ``LedgerError`` with `code`.
func expectLedgerError<Result>(
    _ code: LedgerError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Result
) {
    do {
        _ = try body()
        Issue.record("expected LedgerError \(code), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as LedgerError {
        #expect(error.code == code, "wrong code: \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected LedgerError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
