import ArgumentParser
import CustosCore
import CustosServer

/// `--live-rate` of `bench store` and `bench http`: whether the simulated events are replayed as history or stamped as
/// live traffic (docs/performance.md).
struct BenchLiveRateOptions: ParsableArguments {
    @Option(
        help: """
            Stamp the events as if live, this many per second of event time from now (default: the simulation's \
            own times, 60 days of history replayed).
            """
    )
    var liveRate: Int?

    /// Checked before any events are generated.
    func validate() throws {
        if let liveRate, liveRate < 1 { throw ValidationError("--live-rate must be at least 1") }
    }

    /// `events` restamped as if live, ``liveRate`` per second of event time from now, or as they are without it.
    func stamped(_ events: [AccessEvent]) -> [AccessEvent] {
        guard let liveRate, liveRate >= 1 else { return events }
        let now = CustosAPI.systemClock().millisecondsSinceEpoch
        var stamped = events
        for i in stamped.indices {
            stamped[i].time = Timestamp(millisecondsSinceEpoch: now + Int64(i) * 1000 / Int64(liveRate))
        }
        return stamped
    }

    /// A phrase for the human-readable report: empty when replaying history.
    var reportSuffix: String { liveRate.map { ", stamped live at \($0)/s" } ?? "" }
}
