import CustosStore
import Foundation

/// The running sums of a dataset report, one per actor, keyed by the actor's ``StableHash`` so that rollup cells
/// (which hold the actor's text) and index entries (which hold its hash) land in the same tally without building
/// a `String` or hashing one per cell. A cell is confirmed against the name stored under its hash, byte for byte; a
/// different actor with the same hash is summed apart under its name, so a collision costs time, never a wrong
/// answer. Names are kept as bytes, and a `String` is built only for the actors a page returns.
struct DatasetReportTallies {
    /// Slot (position in `hashes`, `names` and `tallies`) by actor hash.
    private var slots = HashSlots(capacity: 8192)
    /// The hash of each slot.
    private var hashes: [Int64] = []
    /// Where each slot's actor text lies in `arena`; nil while only index entries (hashes) were summed into it.
    private var names: [Range<Int>?] = []
    /// The UTF-8 text of every named actor, one after another.
    private var arena: [UInt8] = []
    private var tallies: [RollupTotals] = []
    /// Actors whose hash is already taken by another actor's name.
    private var collided: [String: RollupTotals] = [:]

    /// Adds a rollup row of the actor whose UTF-8 text is `actor`.
    mutating func add(
        actor: UnsafeBufferPointer<UInt8>,
        events: Int64,
        rows: Int64,
        bytes: Int64,
        first: Int64,
        last: Int64
    ) {
        add(
            actorHash: StableHash.of(utf8: actor),
            actor: actor,
            RollupTotals(events: events, rows: rows, bytes: bytes, first: first, last: last)
        )
    }

    /// Adds a rollup cell of the actor whose UTF-8 text is `actor` and whose ``StableHash`` is `hash` (a packed
    /// block stores the hash beside the text).
    mutating func add(actorHash hash: Int64, actor: UnsafeBufferPointer<UInt8>, _ cell: RollupTotals) {
        let slot = slot(of: hash)
        if let range = names[slot] {
            guard Self.equal(arena, range, actor) else {
                collided[String(decoding: actor, as: UTF8.self), default: RollupTotals()].merge(cell)
                return
            }
        } else {
            names[slot] = arena.count..<(arena.count + actor.count)
            arena.append(contentsOf: actor)
        }
        tallies[slot].merge(cell)
    }

    /// Adds one event read from an index, which knows its actor only by hash.
    mutating func add(actorHash: Int64, rows: Int64, bytes: Int64, time: Int64) {
        tallies[slot(of: actorHash)].add(events: 1, rows: rows, bytes: bytes, first: time, last: time)
    }

    /// The hashes summed so far whose actor has not been named by a rollup cell.
    var unnamed: Set<Int64> {
        Set(names.indices.lazy.filter { names[$0] == nil }.map { hashes[$0] })
    }

    /// Names the actor of `hash` (from elsewhere: the all-time rollup or an event).
    mutating func name(_ hash: Int64, _ actor: String) {
        guard let slot = slots.slot(of: hash), names[slot] == nil else { return }
        let bytes = Array(actor.utf8)
        names[slot] = arena.count..<(arena.count + bytes.count)
        arena.append(contentsOf: bytes)
    }

    /// The number of named actors: the report's total.
    var namedCount: Int {
        names.reduce(0) { $0 + ($1 == nil ? 0 : 1) } + collided.count
    }

    /// The `limit` named actors with the most events (ties by actor, ascending), in that order. A report sums
    /// thousands of actors and returns a page: the page's least event count is found by selection on integers, and
    /// only the actors that can be on the page — those above it and those tied at it — are named and sorted.
    func top(_ limit: Int) -> [(actor: String, tally: RollupTotals)] {
        var counts: [Int64] = []
        counts.reserveCapacity(tallies.count + collided.count)
        for slot in names.indices where names[slot] != nil { counts.append(tallies[slot].events) }
        for tally in collided.values { counts.append(tally.events) }
        guard limit > 0, !counts.isEmpty else { return [] }
        let threshold = limit >= counts.count ? Int64.min : Self.largest(limit, of: &counts)
        var page: [(actor: String, tally: RollupTotals)] = []
        for slot in names.indices where tallies[slot].events >= threshold {
            guard let range = names[slot] else { continue }
            page.append((String(decoding: arena[range], as: UTF8.self), tallies[slot]))
        }
        for (actor, tally) in collided where tally.events >= threshold { page.append((actor, tally)) }
        page.sort { $0.tally.events != $1.tally.events ? $0.tally.events > $1.tally.events : $0.actor < $1.actor }
        return Array(page.prefix(limit))
    }

    private mutating func slot(of hash: Int64) -> Int {
        let (slot, isNew) = slots.insert(hash)
        if isNew {
            hashes.append(hash)
            names.append(nil)
            tallies.append(RollupTotals())
        }
        return slot
    }

    /// Whether the bytes of `arena` in `range` are `bytes`.
    private static func equal(_ arena: [UInt8], _ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == bytes.count else { return false }
        guard let base = bytes.baseAddress, !range.isEmpty else { return true }
        return arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + range.lowerBound, base, range.count) == 0 }
    }

    /// The `k`-th largest value of `values` (1-based; `k` at most the count), by quickselect; reorders `values`.
    static func largest(_ k: Int, of values: inout [Int64]) -> Int64 {
        var low = 0
        var high = values.count - 1
        let target = k - 1
        while low < high {
            // Median of three as the pivot, then a three-way partition: larger, equal, smaller.
            let pivot = [values[low], values[(low + high) / 2], values[high]].sorted()[1]
            var lt = low
            var i = low
            var gt = high
            while i <= gt {
                if values[i] > pivot {
                    values.swapAt(lt, i)
                    lt += 1
                    i += 1
                } else if values[i] < pivot {
                    values.swapAt(i, gt)
                    gt -= 1
                } else {
                    i += 1
                }
            }
            if target < lt {
                high = lt - 1
            } else if target > gt {
                low = gt + 1
            } else {
                return pivot
            }
        }
        return values[target]
    }
}
