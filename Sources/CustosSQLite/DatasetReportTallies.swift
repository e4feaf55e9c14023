import CustosStore

/// One actor's running sums in a dataset report.
struct AccessTally {
    var events: Int64 = 0
    var rows: Int64 = 0
    var bytes: Int64 = 0
    var first = Int64.max
    var last = Int64.min

    /// Adds the sums of a rollup cell or of one event.
    mutating func add(events e: Int64, rows r: Int64, bytes b: Int64, first f: Int64, last l: Int64) {
        events += e
        rows += r
        bytes += b
        first = min(first, f)
        last = max(last, l)
    }
}

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
    private(set) var tallies: [AccessTally] = []
    /// Actors whose hash is already taken by another actor's name.
    private var collided: [String: AccessTally] = [:]

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
                collided[other, default: AccessTally()]
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

    /// Every named actor's sums (an actor that could not be named is left out).
    var rows: [(actor: String, tally: AccessTally)] {
        var out: [(actor: String, tally: AccessTally)] = []
        out.reserveCapacity(tallies.count + collided.count)
        for (name, tally) in zip(names, tallies) {
            if let name { out.append((name, tally)) }
        }
        for (name, tally) in collided { out.append((name, tally)) }
        return out
    }

    private mutating func slot(of hash: Int64) -> Int {
        if let slot = slots[hash] { return slot }
        slots[hash] = tallies.count
        names.append(nil)
        tallies.append(AccessTally())
        return tallies.count - 1
    }
}
