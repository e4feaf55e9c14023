import CustosCore

/// The resources of the host systems, as events name them: person, vehicle, address and case records, and the
/// tables searches and exports run against.
enum RecordResources {
    /// The persons table (searches, exports).
    static let personsTable = Resource(type: "table", id: "persons", dataset: "persons", labels: ["pii"])
    /// The vehicles table.
    static let vehiclesTable = Resource(type: "table", id: "vehicles", dataset: "vehicles", labels: ["pii"])
    /// The cases table.
    static let casesTable = Resource(type: "table", id: "cases", dataset: "cases", labels: ["restricted"])
    /// The labels of an ordinary person record.
    static let personLabels = ["pii"]
    /// The labels of a protected person's record.
    static let protectedPersonLabels = ["pii", "restricted"]

    /// The record of person `number`; protected persons' records are also labelled restricted.
    static func person(_ number: Int, protected: Bool) -> Resource {
        Resource(
            type: "record",
            id: PersonRegistry.recordID(number),
            dataset: "persons",
            labels: protected ? protectedPersonLabels : personLabels
        )
    }

    /// The vehicle record `number`.
    static func vehicle(_ number: Int) -> Resource {
        Resource(type: "record", id: "vehicles/" + String(number), dataset: "vehicles", labels: ["pii"])
    }

    /// The address record `number`.
    static func address(_ number: Int) -> Resource {
        Resource(type: "record", id: "addresses/" + String(number), dataset: "addresses", labels: ["pii"])
    }

    /// The case file record.
    static func caseFile(_ file: CaseFile) -> Resource {
        Resource(
            type: "record",
            id: "cases/" + file.id,
            dataset: "cases",
            labels: file.isRestricted ? ["restricted"] : ["case"]
        )
    }

    /// A host system's own configuration, which IT administrators change.
    static func system(_ id: String) -> Resource { Resource(type: "system", id: id) }
}
