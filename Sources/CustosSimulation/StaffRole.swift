/// The job roles of the simulated agency; each is a `Custos::Role` entity and appears in `actor.roles`.
enum StaffRole: String, Sendable, Hashable, CaseIterable {
    /// A field officer working assigned cases.
    case officer
    /// A supervisor reviewing the cases of their office.
    case supervisor
    /// An intelligence analyst supporting cases across offices.
    case analyst
    /// A records clerk answering records requests (purpose: a request number, not a case).
    case recordsClerk = "records-clerk"
    /// An IT administrator maintaining the host systems.
    case itAdmin = "it-admin"
    /// A non-human service account running scheduled jobs.
    case service

    /// The prefix of user ids with this role (`officer-0001`).
    var idPrefix: String {
        switch self {
        case .officer: "officer"
        case .supervisor: "supervisor"
        case .analyst: "analyst"
        case .recordsClerk: "clerk"
        case .itAdmin: "admin"
        case .service: "svc"
        }
    }

    /// A human-readable title.
    var title: String {
        switch self {
        case .officer: "Field Officer"
        case .supervisor: "Supervisory Officer"
        case .analyst: "Intelligence Analyst"
        case .recordsClerk: "Records Clerk"
        case .itAdmin: "IT Administrator"
        case .service: "Service Account"
        }
    }
}
