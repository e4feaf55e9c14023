/// The people the agency's records are about (`person:1` … `person:N`), computed on demand from the seed so that
/// millions of lookups need no storage: a person's names and address are a pure function of their number.
struct PersonRegistry: Sendable {
    /// How many persons exist; numbers run from 1 through `count`.
    let count: Int
    private let seed: UInt64

    /// Creates the registry of a run.
    init(count: Int, seed: UInt64) {
        self.count = count
        self.seed = seed
    }

    private func random(_ number: Int) -> SeededRandom {
        SeededRandom(seed: seed, stream: 0x5045_5253, UInt64(number))
    }

    /// The person's surname (weighted: common surnames recur).
    func surname(_ number: Int) -> String {
        var r = random(number)
        return r.pick(NameLists.surnameTable)
    }

    /// The person's given name.
    func givenName(_ number: Int) -> String {
        var r = random(number)
        _ = r.next()
        return r.pick(NameLists.givenNames)
    }

    /// The person's birth year.
    func birthYear(_ number: Int) -> Int {
        var r = random(number)
        _ = r.next()
        _ = r.next()
        return 1940 + r.below(66)
    }

    /// The person's street-level home address.
    func address(_ number: Int) -> StreetAddress {
        var r = random(number)
        for _ in 0..<3 { _ = r.next() }
        return StreetAddress.random(using: &r, state: r.pick(NameLists.states))
    }

    /// The number of the address record (`addresses/<n>`) the person lives at.
    func addressRecord(_ number: Int) -> Int { (number &* 7919) % max(1, count * 2 / 3) + 1 }

    /// The number of a vehicle record (`vehicles/<n>`) the person owns (each owns one or two).
    func vehicleRecord(_ number: Int, second: Bool) -> Int { number * 2 - (second ? 0 : 1) }

    /// The subject id of the person (`person:123`), as events and entities name them.
    static func subjectID(_ number: Int) -> String { "person:" + String(number) }

    /// The record id of the person in the persons dataset (`persons/123`).
    static func recordID(_ number: Int) -> String { "persons/" + String(number) }
}
