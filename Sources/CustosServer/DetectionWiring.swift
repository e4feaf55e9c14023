import CustosCore
import CustosDetect
import CustosStore
import Foundation
import Logging

/// Starts the detection service of `custos serve` when the rules directory exists.
enum DetectionWiring {
    /// Starts the service in its own task; nil (and a log line) when there is no rules directory.
    static func start(
        _ configuration: ServerConfiguration,
        store: any EventStore & AlertStore,
        pseudonymizer: Pseudonymizer,
        signal: CommitSignal,
        logger: Logger,
        onAlertChange: @escaping @Sendable (AlertChange) async -> Void
    ) -> Task<Void, Never>? {
        let directory = configuration.effectiveRulesDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            logger.notice("no rules directory at \(directory): detection is off")
            return nil
        }
        var settings = DetectionService.Configuration(rulesDirectory: directory)
        settings.allowedLatenessMilliseconds = Int64(configuration.allowedLatenessSeconds) * 1000
        let reference = loadReference(dataDirectory: configuration.dataDirectory, logger: logger)
        let service = DetectionService(
            store: store,
            configuration: settings,
            pseudonymizer: pseudonymizer,
            reference: reference,
            signal: signal,
            logger: logger,
            onAlertChange: onAlertChange
        )
        return Task { await service.run() }
    }

    /// The reference data for enrichment: `DATA/entities.json` (Cedar entities), when present and valid.
    static func loadReference(dataDirectory: String, logger: Logger) -> ReferenceEnrichment? {
        let path = (dataDirectory as NSString).appendingPathComponent("entities.json")
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return ReferenceEnrichment(entities: try JSONParser().parse(Array(data)))
        } catch {
            logger.error("\(path) is not JSON (\(error)); detection runs without reference data")
            return nil
        }
    }
}
