import CustosCore
import Testing

@testable import CustosLedger

private struct ReferenceTree: Decodable {
    var leaves_hex: [String]
    var node_hashes_by_level_hex: [[String]]
    var root_by_tree_size_hex: [String: String]
}

@Suite("RFC 6962 tree hashing and the Merkle frontier")
struct MerkleTreeTests {
    @Test("transcribed 8-leaf reference tree: leaf hashes, every node hash and the roots of sizes 0...8")
    func referenceTree() throws {
        let tree = try Conformance.decode(ReferenceTree.self, from: "transcribed/merkle-reference-tree.json")
        let leafHashes = tree.leaves_hex.map { MerkleTreeHasher.leafHash(of: [UInt8](hex: $0)) }
        #expect(tree.root_by_tree_size_hex.count == 9)

        var expectedNodes: [MerkleNodeID: TreeHash] = [:]
        for (level, hashes) in tree.node_hashes_by_level_hex.enumerated() {
            for (index, hex) in hashes.enumerated() {
                expectedNodes[MerkleNodeID(level: level, index: UInt64(index))] = try TreeHash(hex: hex)
            }
        }
        #expect(expectedNodes.count == 15)

        var frontier = MerkleFrontier()
        var reported: [MerkleNodeID: TreeHash] = [:]
        #expect(frontier.rootHash.hexString == tree.root_by_tree_size_hex["0"])
        for (size, leafHash) in leafHashes.enumerated() {
            for node in frontier.append(leafHash) {
                #expect(reported[node.id] == nil, "node \(node.id) reported twice")
                reported[node.id] = node.hash
            }
            let expectedRoot = try #require(tree.root_by_tree_size_hex[String(size + 1)])
            #expect(frontier.rootHash.hexString == expectedRoot, "root of size \(size + 1)")
            #expect(ReferenceMerkle.root(leafHashes[..<(size + 1)]).hexString == expectedRoot)
        }
        #expect(reported == expectedNodes)

        let table = MerkleNodeHashTable(leafHashes: leafHashes)
        for size in 0...8 {
            #expect(try table.rootHash(treeSize: UInt64(size)).hexString == tree.root_by_tree_size_hex[String(size)])
        }
    }

    @Test("leaf and node hashing use the 0x00 / 0x01 domain prefixes")
    func hashPrefixes() throws {
        #expect(
            MerkleTreeHasher.leafHash(of: [UInt8]()).hexString
                == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        )
        let empty = MerkleTreeHasher.emptyTreeHash
        // SHA-256(0x01 || 64 bytes of e3b0…) computed independently.
        #expect(
            MerkleTreeHasher.nodeHash(left: empty, right: empty)
                != MerkleTreeHasher.leafHash(of: empty.bytes + empty.bytes)
        )
        #expect(
            MerkleTreeHasher.leafHash(of: "hello world".utf8).base64String
                == "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0="
        )
    }

    @Test("appending in random batches reports exactly every complete subtree once, with the right hash")
    func frontierReportsEveryNode() throws {
        var generator = SplitMix64(seed: 0x5EED_0001)
        let leafHashes = (0..<1000).map { _ in MerkleTreeHasher.leafHash(of: generator.bytes(count: 8)) }
        var frontier = MerkleFrontier()
        var reported: [MerkleNodeID: TreeHash] = [:]
        var consumed = 0
        while consumed < leafHashes.count {
            let batch = min(Int.random(in: 1...40, using: &generator), leafHashes.count - consumed)
            let nodes = frontier.append(contentsOf: leafHashes[consumed..<(consumed + batch)])
            // A tree of size n has 2n - popcount(n) complete subtrees.
            #expect(nodes.count == 2 * batch - (consumed + batch).nonzeroBitCount + consumed.nonzeroBitCount)
            for node in nodes {
                #expect(reported.updateValue(node.hash, forKey: node.id) == nil)
                #expect(node.id.endLeafIndex <= UInt64(consumed + batch), "node \(node.id) is not complete yet")
            }
            consumed += batch
            #expect(frontier.size == UInt64(consumed))
            #expect(frontier.rootHash == ReferenceMerkle.root(leafHashes[..<consumed]))

            // Persist and restore after every batch, as a store would.
            let restored = try MerkleFrontier(serializedBytes: frontier.serializedBytes)
            #expect(restored == frontier)
            frontier = restored
        }
        // Every complete subtree of the final tree was reported exactly once, with its reference hash.
        var expectedCount = 0
        for level in 0..<11 {
            let width = 1 << level
            for index in 0..<(leafHashes.count / width) {
                expectedCount += 1
                let id = MerkleNodeID(level: level, index: UInt64(index))
                let reference = ReferenceMerkle.root(leafHashes[(index * width)..<((index + 1) * width)])
                #expect(reported[id] == reference, "node \(id)")
            }
        }
        #expect(reported.count == expectedCount)
    }

    @Test("a frontier can be rebuilt from stored nodes, then keeps growing identically")
    func frontierFromStoredNodes() throws {
        var generator = SplitMix64(seed: 0x5EED_0002)
        let leafHashes = (0..<300).map { _ in MerkleTreeHasher.leafHash(of: generator.bytes(count: 4)) }
        let table = MerkleNodeHashTable(leafHashes: leafHashes)
        for size in [0, 1, 2, 3, 7, 8, 100, 255, 256, 257, 299] {
            var rebuilt = try MerkleFrontier(size: UInt64(size), nodeHashes: table)
            #expect(rebuilt.subtreeIDs == MerkleFrontier.subtreeIDs(forSize: UInt64(size)))
            #expect(rebuilt.rootHash == ReferenceMerkle.root(leafHashes[..<size]))
            rebuilt.append(contentsOf: leafHashes[size...])
            #expect(rebuilt.rootHash == ReferenceMerkle.root(leafHashes[...]))
        }
        expectLedgerError(.missingNode) { try MerkleFrontier(size: 301, nodeHashes: table) }
    }

    @Test("subtree decomposition follows the bits of the size")
    func subtreeIDs() {
        #expect(MerkleFrontier.subtreeIDs(forSize: 0) == [])
        #expect(
            MerkleFrontier.subtreeIDs(forSize: 13) == [
                MerkleNodeID(level: 3, index: 0), MerkleNodeID(level: 2, index: 2), MerkleNodeID(level: 0, index: 12),
            ]
        )
        #expect(MerkleFrontier.subtreeIDs(forSize: .max).count == 64)
    }

    @Test("malformed serialised frontiers are rejected")
    func badSerialisation() throws {
        expectLedgerError(.invalidFrontier) { try MerkleFrontier(serializedBytes: []) }
        expectLedgerError(.invalidFrontier) { try MerkleFrontier(serializedBytes: [2, 0, 0, 0, 0, 0, 0, 0, 0]) }
        expectLedgerError(.invalidFrontier) { try MerkleFrontier(serializedBytes: [1, 0, 0, 0, 0, 0, 0, 0, 1]) }
        #expect(try MerkleFrontier(serializedBytes: [1, 0, 0, 0, 0, 0, 0, 0, 0]) == MerkleFrontier())
        var frontier = MerkleFrontier()
        frontier.append(MerkleTreeHasher.leafHash(of: [1]))
        expectLedgerError(.invalidFrontier) { try MerkleFrontier(serializedBytes: frontier.serializedBytes + [0]) }
        expectLedgerError(.invalidFrontier) {
            try MerkleFrontier(size: 3, subtreeHashes: [MerkleTreeHasher.emptyTreeHash])
        }
    }
}
