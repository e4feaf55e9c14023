import CustosDetect
import Synchronization

/// What the alert page's peer chart reads, kept between page views instead of rebuilt for each: the baseline
/// directory of one entity version (building it sorts and indexes every entity of the directory) and the baseline
/// detector's state decoded from the detection checkpoint (megabytes of JSON on a large store), reused for
/// ``snapshotLifetimeMilliseconds`` — the chart shows completed days, which change once a day.
final class ConsolePeerChartInputs: Sendable {
    /// How long a decoded baseline state is shown before the checkpoint is read again.
    static let snapshotLifetimeMilliseconds: Int64 = 30_000

    private struct Cached {
        var directory: (version: Int, value: BaselineDirectory)?
        var snapshot: (readAt: Int64, value: BaselineSnapshot)?
    }

    private let cached = Mutex(Cached())

    /// The directory of `entities`, built once per entity version.
    func directory(of entities: EntitySnapshot) -> BaselineDirectory {
        if let hit = cached.withLock({ $0.directory }), hit.version == entities.version { return hit.value }
        let built = entities.baselineDirectory
        cached.withLock { $0.directory = (entities.version, built) }
        return built
    }

    /// The baseline state: the one decoded less than ``snapshotLifetimeMilliseconds`` before `now`, else what
    /// `load` gives (kept when it is not nil, so a state that appears later is shown as soon as it exists).
    func snapshot(
        now: Int64,
        load: () async throws -> BaselineSnapshot?
    ) async rethrows -> BaselineSnapshot? {
        if let hit = cached.withLock({ $0.snapshot }),
            (0..<Self.snapshotLifetimeMilliseconds).contains(now - hit.readAt)
        {
            return hit.value
        }
        guard let loaded = try await load() else { return nil }
        cached.withLock { $0.snapshot = (now, loaded) }
        return loaded
    }
}
