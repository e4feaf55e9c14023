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
        ingested = registry.makeCounter(name: "custos_events_ingested_total", help: "Events newly stored.")
        duplicates = registry.makeCounter(
            name: "custos_events_duplicate_total",
            help: "Events acknowledged as idempotent retries."
        )
        rejected = registry.makeCounter(
            name: "custos_events_rejected_total",
            help: "Events in batches refused as invalid or conflicting."
        )
        overloaded = registry.makeCounter(
            name: "custos_ingest_overloaded_total",
            help: "Ingest requests refused with 503 because the queue was full."
        )
        reads = registry.makeCounter(name: "custos_reads_recorded_total", help: "Reads of audit data recorded.")
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
        decisionsAllowed = registry.makeCounter(
            name: "custos_decisions_total",
            labels: [("outcome", "allow")],
            help: decisionsHelp
        )
        decisionsDenied = registry.makeCounter(
            name: "custos_decisions_total",
            labels: [("outcome", "deny")],
            help: decisionsHelp
        )
        decisionsNotRecorded = registry.makeCounter(
            name: "custos_decisions_total",
            labels: [("outcome", "not_recorded")],
            help: decisionsHelp
        )
        decisionSeconds = registry.makeDurationHistogram(
            name: "custos_decision_seconds",
            buckets: [
                .microseconds(2), .microseconds(5), .microseconds(10), .microseconds(25), .microseconds(50),
                .microseconds(100), .microseconds(250), .milliseconds(1), .milliseconds(10),
            ],
            help: "Time to evaluate one authorization request against the policies (recording excluded)."
        )
        shadowDisagreements = registry.makeCounter(
            name: "custos_shadow_disagreements_total",
            help: "Decisions the @shadow policies would have decided differently."
        )
        breakGlass = registry.makeCounter(
            name: "custos_break_glass_total",
            help: "Decisions a @break_glass policy alone allowed (each opened a review)."
        )
    }

    /// Records one group commit.
    func observe(_ o: IngestPipeline.Observation) {
        commitEvents.record(Double(o.events))
        commitSeconds.recordNanoseconds(Int64(o.seconds * 1e9))
    }
}
