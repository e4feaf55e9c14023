/// One investigation in the casebook (`C-2026-0001`): the staff assigned to it and the persons it is about. Most
/// accesses to a person's records are explained by a case the actor is assigned to.
struct CaseFile: Sendable {
    /// The position in ``Agency/cases``.
    let index: Int
    /// The case id, used as `purpose.case` and as the Cedar entity id.
    let id: String
    /// The kind of investigation ("Fraud").
    let kind: String
    /// The owning org unit's index in ``FieldOffice/all``.
    let officeIndex: Int
    /// The UTC day number the case was opened.
    let openedDayNumber: Int64
    /// Whether the case file is labelled restricted (sealed or sensitive).
    let isRestricted: Bool
    /// Staff indexes assigned at the end of the period.
    var assigned: [Int] = []
    /// Staff indexes that were assigned before a role change removed them.
    var formerlyAssigned: [Int] = []
    /// Person numbers of the case's subjects.
    var subjects: [Int] = []
}
