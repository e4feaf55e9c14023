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
        entities: EntityRegistry,
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
        // Follow the entity store from before the snapshot is read, so no version falls between the two.
        let versions = entities.updates()
        let snapshot = entities.current
        let reference = snapshot.referenceEnrichment
        let baselines = loadBaselines(rulesDirectory: directory, logger: logger)
        let health = loadHealth(rulesDirectory: directory, logger: logger)
        let service = DetectionService(
            store: store,
            configuration: settings,
            pseudonymizer: pseudonymizer,
            reference: reference,
            signal: signal,
            logger: logger,
            onAlertChange: onAlertChange
        )
        return Task {
            if let baselines {
                await service.addSource(
                    name: "baselines",
                    BaselineDetector(configuration: baselines, directory: snapshot.baselineDirectory)
                )
            }
            if let health {
                await service.addSource(name: "health", HealthMonitor(configuration: health))
            }
            // Sources first, so that every entity version reaches each of them.
            let updates = Task {
                for await next in versions { await service.updateEntities(next) }
            }
            defer { updates.cancel() }
            await service.run()
        }
    }

    /// The baselines configuration of the rules directory (`baselines.yml`), nil when there is none or it is
    /// invalid (then the error is logged as `file:line:column: message` and the baselines are off).
    static func loadBaselines(rulesDirectory: String, logger: Logger) -> BaselineConfiguration? {
        for name in BaselineConfiguration.fileNames.sorted() {
            let path = (rulesDirectory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                return try BaselineConfiguration.parse(String(decoding: data, as: UTF8.self), file: path)
            } catch {
                logger.error("\(error.description); the baselines are off")
                return nil
            }
        }
        return nil
    }

    /// The health monitor's configuration of the rules directory (`health.yml`), nil when there is none or it is
    /// invalid (then the error is logged as `file:line:column: message` and the health monitor is off).
    static func loadHealth(rulesDirectory: String, logger: Logger) -> HealthConfiguration? {
        for name in HealthConfiguration.fileNames.sorted() {
            let path = (rulesDirectory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                return try HealthConfiguration.parse(String(decoding: data, as: UTF8.self), file: path)
            } catch {
                logger.error("\(error.description); the health monitor is off")
                return nil
            }
        }
        return nil
    }
}
