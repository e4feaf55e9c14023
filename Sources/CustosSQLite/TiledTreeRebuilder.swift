import Crypto
import CustosLedger
import Foundation
import GRDB
import GRDBSQLite

/// Rebuilds the Merkle tree from the entry bundles one tile at a time and compares whole recomputed tiles with the
/// stored ones (``SQLiteStore/verifyLedgerTree(verifiers:)``, docs/ledger.md, Verification).
///
/// Per bundle of up to 256 entries: each entry is checked (length prefix, version, its own seq) and hashed to its
/// leaf straight from the SQLite row buffer into an 8 KiB level-0 tile; that tile is compared with the stored
/// level-0 tile in one `memcmp` (read in `idx` order by a second cursor, in step with the bundles); a full tile is
/// reduced in place to its root (255 hashes), which becomes the next hash of the level-1 tile and is compared with
/// the stored level-1 tile at once, and so on up. Every SHA-256 input is assembled in a 65-byte stack buffer; there
/// is no per-entry allocation. The SHA-256 calls are exactly those of building the tree: one per leaf and one per
/// complete interior node (2N − popcount(N)), plus at most 63 per root checked.
struct TiledTreeRebuilder {
    /// The current tile at each tile level: its index and its hashes so far (32 bytes each).
    private var tiles: [(index: UInt64, bytes: [UInt8])] = []
    /// The stored tile last read at each level above 0 (for the comparison of each new node).
    private var stored: [(index: UInt64, bytes: [UInt8]?)] = []
    /// Leaves rebuilt so far.
    private(set) var size: UInt64 = 0

    /// What went wrong, with the first bad entry; the rebuild stops at the first one.
    struct Mismatch: Error {
        var problem: String
        var entry: UInt64
    }

    /// Hashes the bundle `index` (`width` entries of `u16be(49) ‖ entry` in `data`), compares its leaves with the
    /// stored level-0 tile `storedLeaves` (nil if missing) and carries the tile's root upwards, comparing every
    /// new tile-level node with the stored tiles (`readTile`). `atSize` is called whenever the tree reaches one of
    /// `sizes` (ascending), with the root at that size.
    mutating func append(
        bundle index: UInt64,
        width: Int,
        data: UnsafeRawBufferPointer,
        storedLeaves: UnsafeRawBufferPointer?,
        storedInterior: UnsafeRawBufferPointer? = nil,
        readTile: (Int, UInt64) throws -> [UInt8]?,
        sizes: inout ArraySlice<UInt64>,
        atSize: (UInt64, TreeHash) -> Void
    ) throws {
        let entrySize = LedgerEntry.encodedSize
        guard index * UInt64(TileID.fullWidth) == size else {
            throw Mismatch(problem: "entry bundle \(index) does not follow entry \(size)", entry: size)
        }
        guard width >= 1, width <= TileID.fullWidth, data.count == width * (entrySize + 2) else {
            throw Mismatch(problem: "entry bundle \(index) has \(data.count) bytes for \(width) entries", entry: size)
        }
        if tiles.isEmpty { tiles.append((0, [])) }
        tiles[0].index = index
        tiles[0].bytes.removeAll(keepingCapacity: true)
        var leaves = [UInt8](repeating: 0, count: width * TreeHash.byteCount)
        var malformed: Int?
        leaves.withUnsafeMutableBytes { out in
            withUnsafeTemporaryAllocation(byteCount: 1 + entrySize, alignment: 8) { input in
                input[0] = 0x00
                for j in 0..<width {
                    let item = data.baseAddress! + j * (entrySize + 2)
                    var seq: UInt64 = 0
                    for k in 3..<11 { seq = seq << 8 | UInt64(item.load(fromByteOffset: k, as: UInt8.self)) }
                    guard item.load(as: UInt8.self) == 0, item.load(fromByteOffset: 1, as: UInt8.self) == entrySize,
                        item.load(fromByteOffset: 2, as: UInt8.self) == LedgerEntry.version, seq == size + UInt64(j)
                    else {
                        malformed = j
                        return
                    }
                    (input.baseAddress! + 1).copyMemory(from: item + 2, byteCount: entrySize)
                    SHA256.hash(data: UnsafeRawBufferPointer(input)).withUnsafeBytes {
                        (out.baseAddress! + j * 32).copyMemory(from: $0.baseAddress!, byteCount: 32)
                    }
                }
            }
        }
        let hashed = malformed ?? width
        // The leaves before a malformed entry are compared first: an earlier altered leaf is the first bad entry.
        try leaves.withUnsafeBytes { ours in
            guard let bad = Self.firstDifference(UnsafeRawBufferPointer(rebasing: ours[0..<hashed * 32]), storedLeaves)
            else { return }
            let seq = size + UInt64(bad)
            throw Mismatch(
                problem: "entry \(seq) was altered: it does not reproduce leaf \(seq) of the stored tiles",
                entry: seq
            )
        }
        if let malformed {
            let seq = size + UInt64(malformed)
            throw Mismatch(problem: "entry \(seq) was altered: it is malformed or carries another seq", entry: seq)
        }
        // Roots at the sizes asked for inside this bundle (the leaves so far are the level-0 tile).
        while let next = sizes.first, next < size + UInt64(width) {
            sizes.removeFirst()
            guard next > size else { continue }
            tiles[0].bytes = Array(leaves[0..<Int(next - size) * 32])
            atSize(next, try rootHash(size: next))
        }
        tiles[0].bytes = leaves
        size += UInt64(width)
        defer {
            // The root at the bundle's end, once its nodes are carried up.
            while let next = sizes.first, next <= size {
                sizes.removeFirst()
                if next == size, let root = try? rootHash(size: next) { atSize(next, root) }
            }
        }
        guard width == TileID.fullWidth else { return }
        // A full tile: its root is the next node one tile level up; carry it as far as it completes tiles.
        var level = 0
        var interiorMatches = true
        var node = Self.reduce(&tiles[0].bytes, expecting: storedInterior, matches: &interiorMatches)
        guard interiorMatches else {
            throw Mismatch(
                problem: "the stored interior nodes of leaf tile \(index) disagree with the rebuilt tree",
                entry: size - 1
            )
        }
        tiles[0] = (index + 1, [])
        while true {
            level += 1
            let nodeIndex = index >> UInt64(8 * (level - 1))
            let tileIndex = nodeIndex / UInt64(TileID.fullWidth)
            if tiles.count <= level { tiles.append((tileIndex, [])) }
            if tiles[level].index != tileIndex { tiles[level] = (tileIndex, []) }
            try compare(
                node,
                level: level,
                tile: tileIndex,
                at: Int(nodeIndex % UInt64(TileID.fullWidth)),
                readTile: readTile
            )
            node.withUnsafeBytes { tiles[level].bytes.append(contentsOf: $0) }
            guard tiles[level].bytes.count == TileID.fullWidth * 32 else { break }
            node = Self.reduce(&tiles[level].bytes, expecting: nil, matches: &interiorMatches)
            tiles[level] = (tileIndex + 1, [])
        }
    }

    /// Compares a new node at tile level `level` (position `at` of tile `tile`) with the stored tile.
    private mutating func compare(
        _ node: TreeHash,
        level: Int,
        tile: UInt64,
        at position: Int,
        readTile: (Int, UInt64) throws -> [UInt8]?
    ) throws {
        while stored.count <= level { stored.append((UInt64.max, nil)) }
        if stored[level].index != tile { stored[level] = (tile, try readTile(level, tile)) }
        let matches = stored[level].bytes.map { bytes in
            bytes.count >= (position + 1) * 32
                && node.withUnsafeBytes { ours in
                    bytes.withUnsafeBytes { memcmp(ours.baseAddress!, $0.baseAddress! + position * 32, 32) == 0 }
                }
        }
        guard matches != true else { return }
        let nodeIndex = tile * UInt64(TileID.fullWidth) + UInt64(position)
        throw Mismatch(
            problem: "the stored tiles disagree with the rebuilt tree at level \(level) index \(nodeIndex)",
            entry: ((nodeIndex + 1) << UInt64(8 * level)) - 1
        )
    }

    /// The root of the tree of `treeSize` leaves (≤ ``size`` plus the current level-0 tile), from the current
    /// tiles: at most 63 node hashes plus those inside the partial tiles.
    func rootHash(size treeSize: UInt64) throws -> TreeHash {
        let tiles = self.tiles
        let load: @Sendable (TileID) throws -> HashTile? = { id in
            guard id.level < tiles.count, tiles[id.level].index == id.index,
                tiles[id.level].bytes.count >= id.width * 32
            else { return nil }
            return try HashTile(id: id, bytes: tiles[id.level].bytes[0..<id.width * 32])
        }
        return try TiledNodeHashSource(treeSize: treeSize, loadTile: load).rootHash(treeSize: treeSize)
    }

    /// Reduces 256 hashes (8 KiB) in place to the root of their subtree: 255 node hashes. With `expected` (a leaf
    /// tile's stored interior nodes, level by level), each level is compared with it as it is computed; `matches`
    /// is cleared on the first difference (a missing or short `expected` is a difference).
    private static func reduce(
        _ bytes: inout [UInt8],
        expecting expected: UnsafeRawBufferPointer?,
        matches: inout Bool
    ) -> TreeHash {
        bytes.withUnsafeMutableBytes { hashes in
            withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { input in
                input[0] = 0x01
                var count = hashes.count / 32
                var offset = 0
                while count > 1 {
                    for i in 0..<count / 2 {
                        (input.baseAddress! + 1).copyMemory(from: hashes.baseAddress! + i * 64, byteCount: 64)
                        SHA256.hash(data: UnsafeRawBufferPointer(input)).withUnsafeBytes {
                            (hashes.baseAddress! + i * 32).copyMemory(from: $0.baseAddress!, byteCount: 32)
                        }
                    }
                    count /= 2
                    if let expected, matches {
                        matches =
                            expected.count >= offset + count * 32
                            && memcmp(hashes.baseAddress!, expected.baseAddress! + offset, count * 32) == 0
                    }
                    offset += count * 32
                }
            }
            return try! TreeHash(bytes: UnsafeRawBufferPointer(rebasing: hashes[0..<32]))
        }
    }

    /// The index of the first 32-byte hash of `ours` that differs from (or is missing in) `stored`; nil if none.
    private static func firstDifference(_ ours: UnsafeRawBufferPointer, _ stored: UnsafeRawBufferPointer?) -> Int? {
        let count = ours.count / 32
        guard count > 0 else { return nil }
        guard let stored, let theirs = stored.baseAddress else { return 0 }
        let comparable = min(count, stored.count / 32)
        if comparable > 0, memcmp(ours.baseAddress!, theirs, comparable * 32) == 0 {
            return comparable == count ? nil : comparable
        }
        for i in 0..<comparable where memcmp(ours.baseAddress! + i * 32, theirs + i * 32, 32) != 0 { return i }
        return comparable
    }
}
