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
    }

    /// Records one group commit.
    func observe(_ o: IngestPipeline.Observation) {
        commitEvents.record(Double(o.events))
        commitSeconds.recordNanoseconds(Int64(o.seconds * 1e9))
    }
}
