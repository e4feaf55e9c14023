public import CustosLedger
public import CustosStore

/// The inclusion proofs of many leaves in one tree size, computed together (a subject report's bundle, an events
/// page with `proofs=true`): every tile the proofs touch is read once, in one read transaction where the store
/// offers ``HashTileBatchReading``, and every node hash above the tile level is computed once and shared, since the
/// proofs of one page share most of their upper paths. Each proof equals ``TileProofs/inclusion(index:size:)``.
public struct InclusionProofBatch: Sendable {
    /// The store whose tiles the proofs are read from.
    public let store: any LedgerStore
    /// Full tiles already read from `store`; upper-level tiles read here are kept in it (leaf-level tiles only for a
    /// single proof, so that one large bundle does not push out the tiles other proofs reuse).
    public let fullTiles: FullTileCache

    /// Creates a batch proof generator over `store`'s tiles.
    public init(store: any LedgerStore, fullTiles: FullTileCache) {
        self.store = store
        self.fullTiles = fullTiles
    }

    /// The inclusion proof of each of `leafIndexes` that is below `treeSize`, keyed by leaf index.
    public func proofs(leafIndexes: [UInt64], treeSize: UInt64) async throws -> [UInt64: InclusionProof] {
        let indexes = Set(leafIndexes.filter { $0 < treeSize }).sorted()
        guard !indexes.isEmpty else { return [:] }
        // Which nodes a proof reads depends on the index and the size only: plan them over placeholder hashes.
        let planner = PlanningNodeSource()
        for index in indexes { _ = try InclusionProof.generate(leafIndex: index, treeSize: treeSize, from: planner) }
        var tileIDs: Set<TileID> = []
        for node in planner.nodes { tileIDs.insert(try Self.tileID(of: node, treeSize: treeSize)) }
        let tiles = try await load(tileIDs, keepLeafTiles: indexes.count == 1)
        let source = SharedNodeSource(treeSize: treeSize, tiles: tiles)
        var proofs: [UInt64: InclusionProof] = [:]
        proofs.reserveCapacity(indexes.count)
        for index in indexes {
            do {
                proofs[index] = try InclusionProof.generate(leafIndex: index, treeSize: treeSize, from: source)
            } catch let error as LedgerError where error.code == .missingNode {
                // A tile the plan did not foresee (it should not happen): the one-proof path reads what it lacks.
                proofs[index] = try await TileProofs(store: store, fullTiles: fullTiles)
                    .inclusion(index: index, size: treeSize)
            }
        }
        return proofs
    }

    /// The tile (at the width it has in a tree of `treeSize` leaves) whose hashes a complete node is computed from.
    static func tileID(of node: MerkleNodeID, treeSize: UInt64) throws -> TileID {
        let tileLevel = node.level / TileID.height
        let firstTileNode = node.index << UInt64(node.level % TileID.height)
        let tileIndex = firstTileNode / UInt64(TileID.fullWidth)
        let nodesAtTileLevel = treeSize >> UInt64(tileLevel * TileID.height)
        let width = Int(min(UInt64(TileID.fullWidth), nodesAtTileLevel - tileIndex * UInt64(TileID.fullWidth)))
        return try TileID(level: tileLevel, index: tileIndex, width: width)
    }

    /// Reads `ids`: from the full-tile cache where held, the rest from the store in one batch when it can.
    private func load(_ ids: Set<TileID>, keepLeafTiles: Bool) async throws -> [TileID: HashTile] {
        var tiles: [TileID: HashTile] = [:]
        var needed: [TileID] = []
        for id in ids {
            if let held = fullTiles.tile(id) { tiles[id] = held } else { needed.append(id) }
        }
        var stored: [HashTileKey: StoredTile] = [:]
        if let batch = store as? any HashTileBatchReading {
            stored = try await batch.hashTiles(needed.map { HashTileKey(level: $0.level, index: $0.index) })
        } else {
            for id in needed {
                stored[HashTileKey(level: id.level, index: id.index)] = try await store.hashTile(
                    level: id.level,
                    index: id.index
                )
            }
        }
        for id in needed {
            guard let tile = stored[HashTileKey(level: id.level, index: id.index)], tile.width >= id.width else {
                throw StoreError(.corrupt, "tile \(id) is missing from the store")
            }
            let hashTile = try HashTile(id: id, bytes: tile.data.prefix(id.width * TreeHash.byteCount))
            if id.level > 0 || keepLeafTiles { fullTiles.keep(hashTile) }
            tiles[id] = hashTile
        }
        return tiles
    }
}

/// Answers every complete node with a placeholder hash and remembers which nodes were asked for: the planning pass.
private final class PlanningNodeSource: MerkleNodeHashSource {
    private(set) var nodes: Set<MerkleNodeID> = []
    private let placeholder = MerkleTreeHasher.emptyTreeHash

    func nodeHash(at id: MerkleNodeID) throws -> TreeHash? {
        nodes.insert(id)
        return placeholder
    }
}

/// Node hashes of one tree size computed from loaded tiles and remembered: a node above the tile level is the hash
/// of its two children, so nodes shared by several proofs (and the children they share) are hashed once.
private final class SharedNodeSource: MerkleNodeHashSource {
    private let treeSize: UInt64
    private let tiles: [TileID: HashTile]
    private var known: [MerkleNodeID: TreeHash] = [:]

    init(treeSize: UInt64, tiles: [TileID: HashTile]) {
        self.treeSize = treeSize
        self.tiles = tiles
    }

    func nodeHash(at id: MerkleNodeID) throws -> TreeHash? {
        // Complete at treeSize iff (index + 1) · 2^level <= treeSize.
        guard id.level < 64, id.index < (treeSize >> UInt64(id.level)) else { return nil }
        if let hash = known[id] { return hash }
        let hash: TreeHash
        if id.level % TileID.height == 0 {
            guard let tile = tiles[try InclusionProofBatch.tileID(of: id, treeSize: treeSize)] else { return nil }
            hash = tile.hashes[Int(id.index % UInt64(TileID.fullWidth))]
        } else {
            let below = MerkleNodeID(level: id.level - 1, index: id.index << 1)
            guard let left = try nodeHash(at: below),
                let right = try nodeHash(at: MerkleNodeID(level: below.level, index: below.index + 1))
            else { return nil }
            hash = MerkleTreeHasher.nodeHash(left: left, right: right)
        }
        known[id] = hash
        return hash
    }
}
