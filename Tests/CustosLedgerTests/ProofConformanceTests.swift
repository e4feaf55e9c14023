import Foundation
import Testing

@testable import CustosLedger

private struct InclusionProbe: Decodable {
    var leafIdx: UInt64
    var treeSize: UInt64
    var root: String
    var leafHash: String
    var proof: [String]?
    var desc: String
    var wantErr: Bool
}

private struct ConsistencyProbe: Decodable {
    var size1: UInt64
    var size2: UInt64
    var root1: String
    var root2: String
    var proof: [String]?
    var desc: String
    var wantErr: Bool
}

/// Converts base64 probe fields into the module's typed values. Our API types every hash as a 32-byte `TreeHash`,
/// so a field of any other length can never reach the verifier: the probe is rejected at this boundary, which is
/// where a log client parsing bytes from the wire would reject it too.
private func typedHash(_ base64: String) -> TreeHash? {
    guard let bytes = Data(base64Encoded: base64) else { return nil }
    return try? TreeHash(bytes: Array(bytes))
}

private func typedHashes(_ list: [String]?) -> [TreeHash]? {
    var hashes: [TreeHash] = []
    for item in list ?? [] {
        guard let hash = typedHash(item) else { return nil }
        hashes.append(hash)
    }
    return hashes
}

@Suite("transparency-dev/merkle testdata probes")
struct ProofConformanceTests {
    @Test("all 98 inclusion probes: verification succeeds exactly when wantErr is false")
    func inclusionProbes() throws {
        let files = try Conformance.jsonFiles(under: "transparency-dev-merkle/testdata/inclusion")
        #expect(files.count == 98)
        var passed = 0
        for file in files {
            let probe = try Conformance.decode(InclusionProbe.self, from: file)
            var verified = false
            if let root = typedHash(probe.root), let leaf = typedHash(probe.leafHash),
                let hashes = typedHashes(probe.proof)
            {
                let proof = InclusionProof(leafIndex: probe.leafIdx, treeSize: probe.treeSize, hashes: hashes)
                verified = (try? proof.verify(leafHash: leaf, rootHash: root)) != nil
            }
            #expect(verified == !probe.wantErr, "\(file): \(probe.desc)")
            if verified == !probe.wantErr { passed += 1 }
        }
        #expect(passed == 98)
    }

    /// The one probe in `consistency/additional` whose roots are 12-byte placeholders (`"don't care 2"`) yet
    /// expects success: upstream's verifier compares byte slices of any length when the sizes are equal. Our typed
    /// API cannot even express a 12-byte root (and the README's edge semantics reject non-32-byte roots), so this
    /// probe is counted as a known divergence; ``equalSizesWithEmptyProof()`` checks its intent with 32-byte roots.
    private static let untypableProbes: Set<String> = [
        "transparency-dev-merkle/testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"
    ]

    @Test("all 98 consistency probes: verification succeeds exactly when wantErr is false (one documented divergence)")
    func consistencyProbes() throws {
        let files = try Conformance.jsonFiles(under: "transparency-dev-merkle/testdata/consistency")
        #expect(files.count == 98)
        var passed = 0
        var diverged: [String] = []
        for file in files {
            let probe = try Conformance.decode(ConsistencyProbe.self, from: file)
            var verified = false
            if let root1 = typedHash(probe.root1), let root2 = typedHash(probe.root2),
                let hashes = typedHashes(probe.proof)
            {
                let proof = ConsistencyProof(oldSize: probe.size1, newSize: probe.size2, hashes: hashes)
                verified = (try? proof.verify(oldRoot: root1, newRoot: root2)) != nil
            }
            if Self.untypableProbes.contains(file) {
                #expect(!verified && !probe.wantErr, "\(file) changed upstream; revisit the divergence")
                diverged.append(file)
                continue
            }
            #expect(verified == !probe.wantErr, "\(file): \(probe.desc)")
            if verified == !probe.wantErr { passed += 1 }
        }
        #expect(passed == 97)
        #expect(diverged.count == 1)
    }

    @Test("equal sizes with an empty proof verify exactly when the roots are equal; size 0 never verifies")
    func equalSizesWithEmptyProof() throws {
        let a = MerkleTreeHasher.leafHash(of: [1])
        let b = MerkleTreeHasher.leafHash(of: [2])
        try ConsistencyProof(oldSize: 1, newSize: 1, hashes: []).verify(oldRoot: a, newRoot: a)
        try ConsistencyProof(oldSize: 5, newSize: 5, hashes: []).verify(oldRoot: b, newRoot: b)
        expectLedgerError(.rootMismatch) {
            try ConsistencyProof(oldSize: 1, newSize: 1, hashes: []).verify(oldRoot: a, newRoot: b)
        }
        expectLedgerError(.invalidProof) {
            try ConsistencyProof(oldSize: 1, newSize: 1, hashes: [a]).verify(oldRoot: a, newRoot: a)
        }
        let empty = MerkleTreeHasher.emptyTreeHash
        expectLedgerError(.invalidArgument) {
            try ConsistencyProof(oldSize: 0, newSize: 0, hashes: []).verify(oldRoot: empty, newRoot: empty)
        }
        expectLedgerError(.invalidArgument) {
            try ConsistencyProof(oldSize: 0, newSize: 1, hashes: []).verify(oldRoot: empty, newRoot: a)
        }
        expectLedgerError(.invalidArgument) {
            try ConsistencyProof(oldSize: 2, newSize: 1, hashes: []).verify(oldRoot: a, newRoot: a)
        }
    }

    @Test("the reference tree's proofs are reproduced by generation and verify against its roots")
    func referenceTreeProofs() throws {
        let leaves: [[UInt8]] = [
            [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
            [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57], Array(0x60...0x6F),
        ]
        let leafHashes = leaves.map { MerkleTreeHasher.leafHash(of: $0) }
        let table = MerkleNodeHashTable(leafHashes: leafHashes)
        // RFC 9162 / transparency-dev example: inclusion of leaf 0 in the tree of 8 leaves.
        let proof = try InclusionProof.generate(leafIndex: 0, treeSize: 8, from: table)
        #expect(
            proof.hashes.map(\.hexString) == [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        )
        try proof.verify(leafHash: leafHashes[0], rootHash: try table.rootHash(treeSize: 8))
        // The happy-path consistency probe 1 → 8 is exactly what we generate.
        let consistency = try ConsistencyProof.generate(oldSize: 1, newSize: 8, from: table)
        #expect(
            consistency.hashes.map(\.base64String) == [
                "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
                "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
                "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=",
            ]
        )
    }

    @Test("happy-path probes are regenerated byte for byte from the reference tree")
    func happyPathsRegenerate() throws {
        let leaves: [[UInt8]] = [
            [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
            [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57], Array(0x60...0x6F),
        ]
        let table = MerkleNodeHashTable(leafHashes: leaves.map { MerkleTreeHasher.leafHash(of: $0) })
        var regenerated = 0
        for file in try Conformance.jsonFiles(under: "transparency-dev-merkle/testdata/inclusion")
        where file.hasSuffix("/happy-path.json") {
            let probe = try Conformance.decode(InclusionProbe.self, from: file)
            guard probe.treeSize <= 8 else { continue }
            let proof = try InclusionProof.generate(leafIndex: probe.leafIdx, treeSize: probe.treeSize, from: table)
            #expect(proof.hashes.map(\.base64String) == (probe.proof ?? []), "\(file)")
            #expect(try table.rootHash(treeSize: probe.treeSize).base64String == probe.root, "\(file)")
            regenerated += 1
        }
        for file in try Conformance.jsonFiles(under: "transparency-dev-merkle/testdata/consistency")
        where file.hasSuffix("/happy-path.json") {
            let probe = try Conformance.decode(ConsistencyProbe.self, from: file)
            guard probe.size2 <= 8 else { continue }
            let proof = try ConsistencyProof.generate(oldSize: probe.size1, newSize: probe.size2, from: table)
            #expect(proof.hashes.map(\.base64String) == (probe.proof ?? []), "\(file)")
            regenerated += 1
        }
        #expect(regenerated == 10)
    }
}
