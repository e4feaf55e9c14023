import CustosStore

/// The byte format of a packed rollup block (``SQLiteDatasetPackSchema``): every cell of one dataset in one bucket of
/// one rollup level, in one value, so that a report reads a closed block as one blob instead of a row per actor.
///
/// Layout, little-endian: a version byte (1), the cell count (UInt32), then per cell the actor's ``StableHash``
/// (Int64), events, rows, bytes, first and last time (Int64 each), the length of the actor's UTF-8 text (UInt32) and
/// the text.
enum RollupPack {
    /// The format version written in the first byte.
    static let version: UInt8 = 1

    /// The bytes of one cell before its actor's text.
    private static let fixedCellBytes = 6 * 8 + 4

    /// Packs `cells`: each an actor's UTF-8 text and the sums of its events in the block.
    static func encode(_ cells: [(actor: [UInt8], totals: RollupTotals)]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(5 + cells.reduce(0) { $0 + fixedCellBytes + $1.actor.count })
        out.append(version)
        append(UInt32(cells.count), to: &out)
        for (actor, t) in cells {
            let hash = actor.withUnsafeBufferPointer { StableHash.of(utf8: $0) }
            for value in [hash, t.events, t.rows, t.bytes, t.first, t.last] {
                append(UInt64(bitPattern: value), to: &out)
            }
            append(UInt32(actor.count), to: &out)
            out.append(contentsOf: actor)
        }
        return out
    }

    /// Calls `body` with each cell of `pack`: the actor's hash and UTF-8 text, and its sums. A pack that does not
    /// parse (a damaged file) is an error, not a crash.
    static func forEachCell(
        _ pack: UnsafeRawBufferPointer,
        _ body: (_ hash: Int64, _ actor: UnsafeBufferPointer<UInt8>, _ totals: RollupTotals) -> Void
    ) throws {
        guard pack.count >= 5, pack[0] == version else { throw corrupt("unknown version or truncated header") }
        let count = Int(UInt32(littleEndian: pack.loadUnaligned(fromByteOffset: 1, as: UInt32.self)))
        var offset = 5
        func int64(_ i: Int) -> Int64 {
            Int64(littleEndian: pack.loadUnaligned(fromByteOffset: offset + 8 * i, as: Int64.self))
        }
        for _ in 0..<count {
            guard pack.count - offset >= fixedCellBytes else { throw corrupt("truncated cell") }
            let length = Int(UInt32(littleEndian: pack.loadUnaligned(fromByteOffset: offset + 48, as: UInt32.self)))
            guard pack.count - offset - fixedCellBytes >= length else { throw corrupt("truncated actor") }
            let totals = RollupTotals(
                events: int64(1),
                rows: int64(2),
                bytes: int64(3),
                first: int64(4),
                last: int64(5)
            )
            let text = UnsafeBufferPointer(
                start: pack.baseAddress!.advanced(by: offset + fixedCellBytes).assumingMemoryBound(to: UInt8.self),
                count: length
            )
            body(int64(0), text, totals)
            offset += fixedCellBytes + length
        }
        guard offset == pack.count else { throw corrupt("bytes after the last cell") }
    }

    private static func append(_ value: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func append(_ value: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func corrupt(_ reason: String) -> StoreError {
        StoreError(.corrupt, "a packed dataset rollup block is damaged: \(reason)")
    }
}
