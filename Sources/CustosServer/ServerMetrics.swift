import CustosStore
import Prometheus

/// The server's Prometheus metrics (docs/operations.md lists them).
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    let ingested: Counter
    let duplicates: Counter
    let rejected: Counter
    let overloaded: Counter
    let reads: Counter
    let batchSize: ValueHistogram
    let commitSeconds: DurationHistogram
    let commitEvents: ValueHistogram
    let queueDepth: Gauge
    let checkpointAge: Gauge
    let checkpointUncovered: Gauge
    let decisionsAllowed: Counter
    let decisionsDenied: Counter
    let decisionsNotRecorded: Counter
    let decisionSeconds: DurationHistogram
    let shadowDisagreements: Counter
    let breakGlass: Counter

    /// Creates the metrics.
    public init() {
        let registry = self.registry
        /// A counter of the registry; with `outcome`, the series of that outcome.
        func counter(_ name: String, outcome: String? = nil, _ help: String) -> Counter {
            guard let outcome else { return registry.makeCounter(name: name, help: help) }
            return registry.makeCounter(name: name, labels: [("outcome", outcome)], help: help)
        }
        ingested = counter("custos_events_ingested_total", "Events newly stored.")
        duplicates = counter("custos_events_duplicate_total", "Events acknowledged as idempotent retries.")
        rejected = counter("custos_events_rejected_total", "Events in batches refused as invalid or conflicting.")
        overloaded = counter(
            "custos_ingest_overloaded_total",
            "Ingest requests refused with 503 because the queue was full."
        )
        reads = counter("custos_reads_recorded_total", "Reads of audit data recorded.")
        batchSize = registry.makeValueHistogram(
            name: "custos_ingest_batch_events",
            buckets: [1, 10, 100, 1000, 5000, 10000],
            help: "Events per ingest request."
        )
        commitEvents = registry.makeValueHistogram(
            name: "custos_commit_events",
            buckets: [1, 10, 100, 1000, 5000, 20000],
            help: "Events per group commit."
        )
        commitSeconds = registry.makeDurationHistogram(
            name: "custos_commit_seconds",
            buckets: [
                .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
            ],
            help: "Time to make one group commit durable."
        )
        queueDepth = registry.makeGauge(name: "custos_ingest_queue_events", help: "Events waiting for a commit.")
        checkpointAge = registry.makeGauge(
            name: "custos_checkpoint_age_seconds",
            help: "Seconds since the newest signed checkpoint (-1 before the first)."
        )
        checkpointUncovered = registry.makeGauge(
            name: "custos_checkpoint_uncovered_entries",
            help: "Ledger entries not yet covered by a signed checkpoint; growing with the age, a stalled signer."
        )
        let decisionsHelp = "Authorization decisions answered, by outcome (not_recorded: refused because unrecorded)."
        decisionsAllowed = counter("custos_decisions_total", outcome: "allow", decisionsHelp)
        decisionsDenied = counter("custos_decisions_total", outcome: "deny", decisionsHelp)
        decisionsNotRecorded = counter("custos_decisions_total", outcome: "not_recorded", decisionsHelp)
        decisionSeconds = registry.makeDurationHistogram(
            name: "custos_decision_seconds",
            buckets: [
                .microseconds(2), .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50),
                .microseconds(100), .microseconds(250), .milliseconds(1), .milliseconds(10),
            ],
            help: "Time to evaluate one authorization request against the policies (recording excluded)."
        )
        shadowDisagreements = counter(
            "custos_shadow_disagreements_total",
            "Decisions the @shadow policies would have decided differently."
        )
        breakGlass = counter(
            "custos_break_glass_total",
            "Decisions a @break_glass policy alone allowed (each opened a review)."
        )
    }

    /// Records one group commit.
    func observe(_ o: IngestPipeline.Observation) {
        commitEvents.record(Double(o.events))
        commitSeconds.recordNanoseconds(Int64(o.seconds * 1e9))
    }
}
