import CustosDetect
import CustosStore
import Foundation
import Synchronization

/// What the alert page's peer chart reads, kept between page views instead of rebuilt for each: the baseline
/// directory of one entity version (building it sorts and indexes every entity of the directory) and the baseline
/// detector's state decoded from a detection checkpoint (megabytes of JSON on a large store: about 200 ms at
/// 10 M events). The chart shows completed days, which change once a day, so a state decoded less than
/// ``reuseMilliseconds`` ago is shown again although detection has saved newer checkpoints since (every page view
/// is an event it processes), unless it lacks the user and was decoded before the alert last changed.
final class ConsolePeerChartInputs: Sendable {
    /// How long a decoded baseline state is shown again before the latest checkpoint is decoded.
    static let reuseMilliseconds: Int64 = 30_000

    private struct Cached {
        var directory: (version: Int, value: BaselineDirectory)?
        var snapshot: (checkpoint: DetectionCheckpoint, decodedAt: Int64, value: BaselineSnapshot?)?
    }

    private let cached = Mutex(Cached())

    /// The directory of `entities`, built once per entity version.
    func directory(of entities: EntitySnapshot) -> BaselineDirectory {
        if let hit = cached.withLock({ $0.directory }), hit.version == entities.version { return hit.value }
        let built = entities.baselineDirectory
        cached.withLock { $0.directory = (entities.version, built) }
        return built
    }

    /// The baseline state decoded less than ``reuseMilliseconds`` before `now` (nil inside when that checkpoint held
    /// none) and when it was decoded; nil when there is none so recent.
    func recentBaselines(now: Int64) -> (value: BaselineSnapshot?, decodedAt: Int64)? {
        guard let hit = cached.withLock({ $0.snapshot }), (0..<Self.reuseMilliseconds).contains(now - hit.decodedAt)
        else { return nil }
        return (hit.value, hit.decodedAt)
    }

    /// The baseline detector's state in `checkpoint` (nil when it holds none), decoded once per checkpoint.
    func baselines(in checkpoint: DetectionCheckpoint, now: Int64) -> BaselineSnapshot? {
        if let hit = cached.withLock({ $0.snapshot }), hit.checkpoint == checkpoint { return hit.value }
        let decoded =
            (try? JSONDecoder().decode([String: Data].self, from: Data(checkpoint.state)))?["baselines"]
            .flatMap { try? JSONDecoder().decode(BaselineSnapshot.self, from: $0) }
        cached.withLock { $0.snapshot = (checkpoint, now, decoded) }
        return decoded
    }
}
