import CustosCore

/// A street-level postal address, as the directory keeps it for staff and the records keep it for subjects.
struct StreetAddress: Sendable, Hashable {
    /// House number and street (`1420 Maple Ave`).
    let street: String
    /// The city.
    let city: String
    /// The two-letter state code.
    let state: String
    /// The five-digit ZIP code.
    let zip: String

    /// A random address in `state`.
    static func random(using r: inout SeededRandom, state: String) -> StreetAddress {
        let street = String(r.int(1...9899)) + " " + r.pick(NameLists.streets)
        let city = r.pick(NameLists.citiesByState[state] ?? ["Springfield"])
        let zipNumber = 10000 + r.below(89_999)
        return StreetAddress(street: street, city: city, state: state, zip: String(zipNumber))
    }

    /// The address as a Cedar record attribute.
    var jsonValue: JSONValue {
        .object(
            JSONObject([
                ("street", .string(street)), ("city", .string(city)), ("state", .string(state)), ("zip", .string(zip)),
            ])
        )
    }
}
