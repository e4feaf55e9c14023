import CustosCore
import Testing

@testable import CustosLedger

/// Flips one bit of one byte of a hash.
private func corrupted(_ hash: TreeHash, byte: Int, bit: Int) -> TreeHash {
    var bytes = hash.bytes
    bytes[byte] ^= 1 << UInt8(bit)
    return try! TreeHash(bytes: bytes)
}

@Suite("Proof properties on random trees (seeded SplitMix64)")
struct ProofPropertyTests {
    static let seed: UInt64 = 0xC057_05_1ED6E5
    static let maximumSize = 300

    /// One random tree of 300 leaves; every prefix of it is a tree of the size under test.
    static func randomLeafHashes(seed: UInt64) -> [TreeHash] {
        var generator = SplitMix64(seed: seed)
        return (0..<maximumSize).map { _ in
            MerkleTreeHasher.leafHash(of: generator.bytes(count: Int.random(in: 0...48, using: &generator)))
        }
    }

    @Test("inclusion proofs for sizes 1...300 match the RFC definition, verify, and fail when tampered with")
    func inclusionProofs() throws {
        var generator = SplitMix64(seed: Self.seed)
        let leafHashes = Self.randomLeafHashes(seed: Self.seed)
        let table = MerkleNodeHashTable(leafHashes: leafHashes)
        var checked = 0
        for size in 1...Self.maximumSize {
            let root = try table.rootHash(treeSize: UInt64(size))
            #expect(root == ReferenceMerkle.root(leafHashes[..<size]), "root of size \(size)")
            let indices =
                size <= 40 ? Array(0..<size) : (0..<8).map { _ in Int.random(in: 0..<size, using: &generator) }
            for index in indices {
                let proof = try InclusionProof.generate(leafIndex: UInt64(index), treeSize: UInt64(size), from: table)
                #expect(proof.hashes == ReferenceMerkle.inclusionPath(index, leafHashes[..<size]), "\(index)/\(size)")
                try proof.verify(leafHash: leafHashes[index], rootHash: root)
                checked += 1

                // Tampering: every variant must fail.
                expectLedgerError(.rootMismatch) {
                    try proof.verify(
                        leafHash: corrupted(leafHashes[index], byte: index % 32, bit: index % 8),
                        rootHash: root
                    )
                }
                expectLedgerError(.rootMismatch) {
                    try proof.verify(leafHash: leafHashes[index], rootHash: corrupted(root, byte: 31, bit: 0))
                }
                if !proof.hashes.isEmpty {
                    var flipped = proof
                    let position = Int.random(in: 0..<proof.hashes.count, using: &generator)
                    flipped.hashes[position] = corrupted(
                        flipped.hashes[position],
                        byte: Int.random(in: 0..<32, using: &generator),
                        bit: 3
                    )
                    #expect(throws: LedgerError.self) {
                        try flipped.verify(leafHash: leafHashes[index], rootHash: root)
                    }
                    var truncated = proof
                    truncated.hashes.removeLast()
                    #expect(throws: LedgerError.self) {
                        try truncated.verify(leafHash: leafHashes[index], rootHash: root)
                    }
                }
                var extended = proof
                extended.hashes.append(leafHashes[0])
                #expect(throws: LedgerError.self) { try extended.verify(leafHash: leafHashes[index], rootHash: root) }
                if size > 1 {
                    var wrongIndex = proof
                    wrongIndex.leafIndex = UInt64(
                        (index + 1 + Int.random(in: 0..<(size - 1), using: &generator)) % size
                    )
                    #expect(throws: LedgerError.self, "wrong index \(wrongIndex.leafIndex) for \(index)/\(size)") {
                        try wrongIndex.verify(leafHash: leafHashes[index], rootHash: root)
                    }
                }
                // A proof must not carry over to another tree: it fails against the root of any other size. (Against
                // the original root it may still "verify" for a size with the same path shape, e.g. leaf 0 in
                // sizes 5 and 6: RFC 9162 inclusion proofs bind the size only through the root.)
                for wrongSize in [size - 1, size + 1, size + 7] where wrongSize > index && wrongSize <= Self.maximumSize
                {
                    var wrong = proof
                    wrong.treeSize = UInt64(wrongSize)
                    let wrongRoot = try table.rootHash(treeSize: UInt64(wrongSize))
                    #expect(throws: LedgerError.self, "wrong size \(wrongSize) for \(index)/\(size)") {
                        try wrong.verify(leafHash: leafHashes[index], rootHash: wrongRoot)
                    }
                }
            }
        }
        #expect(checked > 2000)
    }

    @Test("consistency proofs for sizes 1...300 match the RFC definition, verify, and fail when tampered with")
    func consistencyProofs() throws {
        var generator = SplitMix64(seed: Self.seed ^ 0xFF)
        let leafHashes = Self.randomLeafHashes(seed: Self.seed ^ 0xFF)
        let table = MerkleNodeHashTable(leafHashes: leafHashes)
        let roots = try (0...Self.maximumSize).map { try table.rootHash(treeSize: UInt64($0)) }
        var checked = 0
        for newSize in 1...Self.maximumSize {
            let oldSizes =
                newSize <= 40 ? Array(1...newSize) : (0..<8).map { _ in Int.random(in: 1...newSize, using: &generator) }
            for oldSize in oldSizes {
                let proof = try ConsistencyProof.generate(
                    oldSize: UInt64(oldSize),
                    newSize: UInt64(newSize),
                    from: table
                )
                if oldSize < newSize {
                    #expect(proof.hashes == ReferenceMerkle.consistencyProof(oldSize, leafHashes[..<newSize]))
                } else {
                    #expect(proof.hashes.isEmpty)
                }
                try proof.verify(oldRoot: roots[oldSize], newRoot: roots[newSize])
                checked += 1

                expectLedgerError(.rootMismatch) {
                    try proof.verify(oldRoot: corrupted(roots[oldSize], byte: 0, bit: 7), newRoot: roots[newSize])
                }
                expectLedgerError(.rootMismatch) {
                    try proof.verify(oldRoot: roots[oldSize], newRoot: corrupted(roots[newSize], byte: 16, bit: 1))
                }
                guard oldSize < newSize else { continue }
                for position in proof.hashes.indices {
                    var flipped = proof
                    flipped.hashes[position] = corrupted(
                        flipped.hashes[position],
                        byte: Int.random(in: 0..<32, using: &generator),
                        bit: 5
                    )
                    #expect(throws: LedgerError.self, "flipped hash \(position) of \(oldSize)→\(newSize)") {
                        try flipped.verify(oldRoot: roots[oldSize], newRoot: roots[newSize])
                    }
                }
                var truncated = proof
                truncated.hashes.removeLast()
                #expect(throws: LedgerError.self) {
                    try truncated.verify(oldRoot: roots[oldSize], newRoot: roots[newSize])
                }
                var extended = proof
                extended.hashes.append(roots[1])
                #expect(throws: LedgerError.self) {
                    try extended.verify(oldRoot: roots[oldSize], newRoot: roots[newSize])
                }
                for wrongOld in [oldSize - 1, oldSize + 1] where wrongOld >= 1 && wrongOld < newSize {
                    var wrong = proof
                    wrong.oldSize = UInt64(wrongOld)
                    #expect(throws: LedgerError.self, "wrong old size \(wrongOld) for \(oldSize)→\(newSize)") {
                        try wrong.verify(oldRoot: roots[wrongOld], newRoot: roots[newSize])
                    }
                }
                for wrongNew in [newSize - 1, newSize + 1] where wrongNew > oldSize && wrongNew <= Self.maximumSize {
                    var wrong = proof
                    wrong.newSize = UInt64(wrongNew)
                    #expect(throws: LedgerError.self, "wrong new size \(wrongNew) for \(oldSize)→\(newSize)") {
                        try wrong.verify(oldRoot: roots[oldSize], newRoot: roots[wrongNew])
                    }
                }
            }
        }
        #expect(checked > 2000)
    }

    @Test("generation rejects bad arguments and reports missing nodes")
    func generationErrors() throws {
        let leafHashes = Self.randomLeafHashes(seed: 1).prefix(10)
        let table = MerkleNodeHashTable(leafHashes: leafHashes)
        expectLedgerError(.invalidArgument) { try InclusionProof.generate(leafIndex: 10, treeSize: 10, from: table) }
        expectLedgerError(.invalidArgument) { try InclusionProof.generate(leafIndex: 0, treeSize: 0, from: table) }
        expectLedgerError(.invalidArgument) { try ConsistencyProof.generate(oldSize: 4, newSize: 3, from: table) }
        expectLedgerError(.missingNode) { try InclusionProof.generate(leafIndex: 0, treeSize: 11, from: table) }
        expectLedgerError(.missingNode) { try ConsistencyProof.generate(oldSize: 3, newSize: 12, from: table) }
        #expect(try ConsistencyProof.generate(oldSize: 0, newSize: 10, from: table).hashes.isEmpty)
        #expect(try ConsistencyProof.generate(oldSize: 10, newSize: 10, from: table).hashes.isEmpty)

        struct StorageFailure: Error {}
        let failing = ClosureNodeHashSource { _ in throw StorageFailure() }
        #expect(throws: StorageFailure.self) { try InclusionProof.generate(leafIndex: 0, treeSize: 2, from: failing) }
    }

    @Test("proofs only read nodes that are complete in the requested tree size")
    func onlyCompleteNodesAreRead() throws {
        let leafHashes = Self.randomLeafHashes(seed: 2)
        let table = MerkleNodeHashTable(leafHashes: leafHashes)
        for size in [1, 5, 64, 100, 255, 256, 257] {
            let source = ClosureNodeHashSource { id in
                #expect(id.endLeafIndex <= UInt64(size), "read \(id) for size \(size)")
                return table.nodeHash(at: id)
            }
            _ = try InclusionProof.generate(leafIndex: UInt64(size - 1), treeSize: UInt64(size), from: source)
            _ = try ConsistencyProof.generate(oldSize: UInt64(size / 2 + 1), newSize: UInt64(size), from: source)
        }
    }
}
