import CustosCore
import CustosDetect
import CustosStore
import Foundation
import Logging

extension CustosAPI {
    /// The alert page's second chart: the user's baseline measure per local day (the one the alert's baseline
    /// finding names, else distinct people accessed) against their own median and their peer group's median and
    /// quartile band, from the baseline detector's saved state (the detection checkpoint). Nil when the baselines
    /// are off or hold no completed day of the user.
    func peerComparisonChart(
        _ console: Console,
        _ alert: Alert,
        rules: [String],
        label: String
    ) async throws -> (svg: String, note: String)? {
        guard let access = alerts else { return nil }
        let configuration =
            console.configuration.rulesDirectory.flatMap {
                DetectionWiring.loadBaselines(rulesDirectory: $0, logger: Logger(label: "custos.console"))
            } ?? BaselineConfiguration()
        let measure = BaselineMeasure.allCases.first { rules.contains($0.ruleID) } ?? .dailySubjects
        let directory = console.peerChartInputs.directory(of: entities.current)
        func compare(_ snapshot: BaselineSnapshot) -> BaselineComparison? {
            snapshot.comparison(
                actor: alert.actor,
                measure: measure,
                directory: directory,
                configuration: configuration
            )
        }
        // The state decoded for a view of the last seconds, when it knows the user or was decoded after the alert
        // last changed (detection saves its state with the findings); else the latest checkpoint's.
        let now = clock().millisecondsSinceEpoch
        let recent = console.peerChartInputs.recentBaselines(now: now)
        var comparison = recent?.value.flatMap(compare)
        if comparison == nil, (recent?.decodedAt ?? .min) < alert.updated.millisecondsSinceEpoch,
            let checkpoint = try await access.store.detectionCheckpoint()
        {
            comparison = console.peerChartInputs.baselines(in: checkpoint, now: now).flatMap(compare)
        }
        guard let c = comparison else { return nil }
        let what =
            switch measure {
            case .dailyRows: "Rows exported per local day"
            case .dailySubjects: "Distinct people accessed per local day"
            case .hourlySearches: "Searches in the busiest hour of each local day"
            }
        let days = c.days.map { d in
            SVGPeerBandChart.Day(
                label: String(Timestamp(millisecondsSinceEpoch: d.day * 86_400_000).rfc3339.prefix(10).dropFirst(5)),
                value: d.value,
                peerMedian: d.peerMedian,
                peerLow: d.peerLow,
                peerHigh: d.peerHigh
            )
        }
        let n = SVGPeerBandChart.number
        var note =
            "\(what) by \(label) over the \(configuration.windowDays) days to their last completed day: median "
            + "\(n(c.userMedian)) on \(c.activeDays) active days (the user's baseline, dashed). "
        if let median = c.peerMedian, let low = c.peerLow, let high = c.peerHigh, let group = c.peerGroup {
            note +=
                "Peers (\(group), \(c.peers) users): median \(n(median)), middle half \(n(low))–\(n(high)) "
                + "(line and band, per day)"
                + (c.peerAlertLevel.map {
                    "; the \(n(configuration.peerPercentile))th percentile of the \(c.comparedPeers) with "
                        + "\(configuration.minimumActiveDays)+ active days, which a value must exceed to alert, is "
                        + "\(n($0))."
                }
                    ?? "; only \(c.comparedPeers) of them have \(configuration.minimumActiveDays)+ active days (the "
                    + "detector compares with peers from \(configuration.minimumPeers)).")
        } else {
            note += "No peer group with enough history to compare."
        }
        return (
            SVGPeerBandChart(title: "\(what) of \(label) against peers", days: days, baseline: c.userMedian).svg, note
        )
    }
}
