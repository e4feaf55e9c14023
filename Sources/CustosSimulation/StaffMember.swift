/// One account in the agency's directory: a person on staff or a service account, with everything the simulator
/// needs to make their activity (office, shift, usual device and address) and the HR facts it reports.
struct StaffMember: Sendable {
    /// The position in ``Agency/staff``.
    let index: Int
    /// The user id (`officer-0001`), used as `actor.id` and as the Cedar entity id.
    let id: String
    /// The role held at the end of the simulated period.
    var role: StaffRole
    /// The role held before ``roleChangeDay``, when the role changed during the period.
    var previousRole: StaffRole?
    /// The simulated day on which the role changed.
    var roleChangeDay: Int?
    /// The index of the member's org unit in ``FieldOffice/all``.
    let officeIndex: Int
    /// The shift the member works.
    let shift: WorkShift
    /// The directory status at the end of the period.
    var status: AccountStatus = .active
    /// The simulated day from which the account is disabled or terminated.
    var statusChangeDay: Int?
    /// Whether the account has been idle for months before the period (and stays idle unless misused).
    var isDormant = false
    /// The UTC day number (days since 1970-01-01) of the hire date.
    let hireDayNumber: Int64
    /// The UTC day number of the last activity before the simulated period.
    var lastActivityDayNumber: Int64
    /// The number of the member's own record in the persons dataset (0 for service accounts).
    var personNumber = 0
    /// Given name.
    var givenName = ""
    /// Surname.
    var surname = ""
    /// Home address (street level); nil for service accounts.
    var homeAddress: StreetAddress?
    /// The usual workstation IP address.
    let ip: String
    /// The usual workstation.
    let device: String
    /// The laptop used from home over VPN, with its VPN address.
    let laptop: (device: String, ip: String)?
    /// The cases the member is assigned to at the end of the period.
    var cases: [Int] = []
    /// The cases the member worked before a role change.
    var formerCases: [Int] = []

    /// The display name ("Maria Garcia"), or the id for service accounts.
    var displayName: String { role == .service ? id : givenName + " " + surname }

    /// Whether the member is a person (not a service account).
    var isHuman: Bool { role != .service }

    /// The role held on simulated day `day`.
    func role(on day: Int) -> StaffRole {
        if let roleChangeDay, let previousRole, day < roleChangeDay { return previousRole }
        return role
    }

    /// The cases worked on simulated day `day`.
    func cases(on day: Int) -> [Int] {
        if let roleChangeDay, day < roleChangeDay { return formerCases }
        return cases
    }

    /// Whether the member does ordinary work on simulated day `day` (not dormant, not yet disabled or terminated).
    func worksNormally(on day: Int) -> Bool {
        if isDormant { return false }
        if let statusChangeDay, day >= statusChangeDay { return false }
        return true
    }
}
