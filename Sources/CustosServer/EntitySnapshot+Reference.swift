import CustosCore
import CustosDetect
import CustosPolicy

extension EntitySnapshot {
    /// The entities as a Cedar entities JSON array (in uid order), as detection's reference data reads them.
    var entitiesJSON: JSONValue {
        .array(documents.sorted { $0.key.description < $1.key.description }.map(\.value))
    }

    /// The enrichment index over these entities; nil when there are none (then reference rules never fire).
    var referenceEnrichment: ReferenceEnrichment? {
        documents.isEmpty ? nil : ReferenceEnrichment(entities: entitiesJSON)
    }

    /// The directory facts the baseline detectors read (peer groups, time zones, last activity, devices).
    var baselineDirectory: BaselineDirectory {
        documents.isEmpty ? BaselineDirectory() : BaselineDirectory(entities: entitiesJSON)
    }
}
