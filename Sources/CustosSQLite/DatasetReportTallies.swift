import CustosStore

/// The running sums of a dataset report, one per actor, keyed by the actor's ``StableHash`` so that rollup rows
/// (which hold the actor's text) and index entries (which hold its hash) land in the same tally without building
/// a `String` or hashing one per row. A rollup row is confirmed against the name stored under its hash, byte for
/// byte; a different actor with the same hash is summed apart under its name, so a collision costs time, never a
/// wrong answer.
struct DatasetReportTallies {
    /// Position in `names` and `tallies` by actor hash.
    private var slots: [Int64: Int] = [:]
    /// The actor of each slot; nil while only index entries (hashes) have been summed into it.
    private(set) var names: [String?] = []
    private(set) var tallies: [RollupTotals] = []
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
        let hash = StableHash.of(utf8: actor)
        let slot = slot(of: hash)
        if let name = names[slot] {
            var stored = name
            let same = stored.withUTF8 { $0.elementsEqual(actor) }
            guard same else {
                let other = String(decoding: actor, as: UTF8.self)
                collided[other, default: RollupTotals()]
                    .add(events: events, rows: rows, bytes: bytes, first: first, last: last)
                return
            }
        } else {
            names[slot] = String(decoding: actor, as: UTF8.self)
        }
        tallies[slot].add(events: events, rows: rows, bytes: bytes, first: first, last: last)
    }

    /// Adds one event read from an index, which knows its actor only by hash.
    mutating func add(actorHash: Int64, rows: Int64, bytes: Int64, time: Int64) {
        tallies[slot(of: actorHash)].add(events: 1, rows: rows, bytes: bytes, first: time, last: time)
    }

    /// The hashes summed so far whose actor has not been named by a rollup row.
    var unnamed: Set<Int64> {
        Set(slots.lazy.filter { names[$0.value] == nil }.map(\.key))
    }

    /// Names the actor of `hash` (from elsewhere: the all-time rollup or an event).
    mutating func name(_ hash: Int64, _ actor: String) {
        if let slot = slots[hash], names[slot] == nil { names[slot] = actor }
    }

    /// The number of named actors: the report's total.
    var namedCount: Int {
        names.reduce(0) { $0 + ($1 == nil ? 0 : 1) } + collided.count
    }

    /// The `limit` named actors with the most events (ties by actor, ascending), in that order. Only positions are
    /// sorted, and only the rows returned are built: a report reads thousands of actors and returns a page.
    func top(_ limit: Int) -> [(actor: String, tally: RollupTotals)] {
        let entries: [(actor: String, tally: RollupTotals)] = collided.map { ($0.key, $0.value) }
        // Positions below `tallies.count` are slots; the others index `entries` (the collided actors).
        var order: [Int] = []
        order.reserveCapacity(tallies.count + entries.count)
        for slot in names.indices where names[slot] != nil { order.append(slot) }
        for i in entries.indices { order.append(tallies.count + i) }
        func events(_ p: Int) -> Int64 {
            p < tallies.count ? tallies[p].events : entries[p - tallies.count].tally.events
        }
        func actor(_ p: Int) -> String {
            p < tallies.count ? names[p]! : entries[p - tallies.count].actor
        }
        order.sort { a, b in
            let ea = events(a)
            let eb = events(b)
            return ea != eb ? ea > eb : actor(a) < actor(b)
        }
        return order.prefix(max(0, limit)).map { p in
            p < tallies.count ? (actor: names[p]!, tally: tallies[p]) : entries[p - tallies.count]
        }
    }

    private mutating func slot(of hash: Int64) -> Int {
        if let slot = slots[hash] { return slot }
        slots[hash] = tallies.count
        names.append(nil)
        tallies.append(RollupTotals())
        return tallies.count - 1
    }
}
