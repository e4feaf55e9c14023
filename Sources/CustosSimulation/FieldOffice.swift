/// One org unit of the simulated agency: a field office or headquarters, with a fixed UTC offset (no time-zone
/// database, no daylight saving) that places its staff's working hours.
struct FieldOffice: Sendable, Hashable {
    /// The org-unit path used as `actor.org` and as the Cedar entity id (`fo/minneapolis`).
    let id: String
    /// The display name.
    let name: String
    /// The IANA zone the offset stands for, as documentation only.
    let timeZone: String
    /// Local time minus UTC, in minutes (−360 for UTC−6).
    let utcOffsetMinutes: Int
    /// The second octet of the office's 10.x.0.0/16 workstation network.
    let networkOctet: Int
    /// A short code used in device names (`MSP`).
    let code: String
    /// The state used in staff and subject addresses.
    let state: String

    /// The agency's org units; headquarters last.
    static let all: [FieldOffice] = [
        FieldOffice(
            id: "fo/minneapolis",
            name: "Minneapolis Field Office",
            timeZone: "America/Chicago",
            utcOffsetMinutes: -360,
            networkOctet: 21,
            code: "MSP",
            state: "MN"
        ),
        FieldOffice(
            id: "fo/newyork",
            name: "New York Field Office",
            timeZone: "America/New_York",
            utcOffsetMinutes: -300,
            networkOctet: 22,
            code: "NYC",
            state: "NY"
        ),
        FieldOffice(
            id: "fo/denver",
            name: "Denver Field Office",
            timeZone: "America/Denver",
            utcOffsetMinutes: -420,
            networkOctet: 23,
            code: "DEN",
            state: "CO"
        ),
        FieldOffice(
            id: "fo/seattle",
            name: "Seattle Field Office",
            timeZone: "America/Los_Angeles",
            utcOffsetMinutes: -480,
            networkOctet: 24,
            code: "SEA",
            state: "WA"
        ),
        FieldOffice(
            id: "hq/washington",
            name: "Headquarters",
            timeZone: "America/New_York",
            utcOffsetMinutes: -300,
            networkOctet: 20,
            code: "HQ",
            state: "DC"
        ),
    ]

    /// The index of headquarters in ``all``.
    static let headquartersIndex = 4

    /// The largest UTC offset of any office, in minutes: local midnight there is the earliest instant of a day.
    static let easternmostOffsetMinutes = all.map(\.utcOffsetMinutes).max() ?? 0
}
