/// A sorted run of postings in the index file: the postings of the events `first ..< end`, written once in
/// `(kind, key, seq)` order under the run's own id (docs/storage.md, "Posting runs").
struct PostingRun: Equatable, Sendable {
    /// The run's id: the first column of its postings' keys. A new run takes the next id, so it is written at the
    /// end of the table.
    var id: Int64
    /// The first seq the run covers.
    var first: Int64
    /// The seq after the last it covers.
    var end: Int64
    /// How many postings it holds.
    var entries: Int64
}

/// When adjacent runs are merged into one (size-tiered, like a log-structured merge tree's compaction): a run's tier
/// is how many times `factor` fits between `base` and its size; runs are kept in non-increasing tiers from the
/// oldest to the newest, with fewer than `factor` runs per tier, so a store of N postings holds O(factor · log N)
/// runs and each posting is rewritten O(log N) times. No merge makes a run bigger than `maximumEntries`, which bounds
/// the length of one merge transaction; runs that big stay as they are. Up to `minimumRuns` runs are never merged.
struct PostingMergePolicy: Sendable, Equatable {
    /// How many runs of one tier are merged together, and the size ratio between tiers.
    var factor: Int = 4
    /// The size below which every run is in tier 0.
    var base: Int64 = 10_000
    /// The largest run a merge may write.
    var maximumEntries: Int64 = 4_000_000
    /// How many runs are left unmerged: a look-up probes that many runs cheaply, and a small store (or a benchmark of
    /// a few hundred thousand events) then spends no CPU on merges at all.
    var minimumRuns: Int = 8
    /// The size below which the newest run stays open: the next chunk's postings join it instead of starting a run of
    /// their own, so runs start above the first tiers (and are not merged again and again with other small runs)
    /// while the indexer still writes every chunk once it has gathered. About a million postings (those of 150,000 to
    /// 250,000 events): under concurrent HTTP ingest a chunk holds tens of thousands of postings, and with a smaller
    /// open run every chunk started a run of its own, three tiers below where this one starts (docs/performance.md,
    /// "Session 15").
    var openEntries: Int64 = 1_048_576

    /// The defaults.
    init() {}

    /// A policy with these figures (tests use small ones to see many merges).
    init(factor: Int, base: Int64, maximumEntries: Int64, minimumRuns: Int = 0, openEntries: Int64 = 0) {
        precondition(factor >= 2 && base >= 1 && maximumEntries >= 1 && minimumRuns >= 0 && openEntries >= 0)
        self.factor = factor
        self.base = base
        self.maximumEntries = maximumEntries
        self.minimumRuns = minimumRuns
        self.openEntries = openEntries
    }

    /// The tier of a run of `entries` postings.
    func tier(_ entries: Int64) -> Int {
        var tier = 0
        var bound = base * Int64(factor)
        while entries >= bound {
            tier += 1
            let (next, overflow) = bound.multipliedReportingOverflow(by: Int64(factor))
            if overflow { break }
            bound = next
        }
        return tier
    }

    /// The adjacent runs (indices into `runs`, which are in seq order) to merge next, or nil when the runs are
    /// settled. A run newer than smaller-tier runs absorbs them first (so tiers never rise towards the newest);
    /// then the newest `factor` runs of one tier are merged.
    func nextMerge(_ runs: [PostingRun]) -> ClosedRange<Int>? {
        guard runs.count >= 2, runs.count > minimumRuns else { return nil }
        let tiers = runs.map { tier($0.entries) }
        // A run of a higher tier than the run before it: merge it with the smaller-tier runs just before it.
        for i in stride(from: runs.count - 1, through: 1, by: -1) where tiers[i] > tiers[i - 1] {
            var j = i - 1
            while j > 0 && tiers[j - 1] < tiers[i] { j -= 1 }
            if total(runs[j...i]) <= maximumEntries { return j...i }
        }
        // `factor` runs of one tier, newest first; when together they would pass the cap, as many of them as fit
        // (at least two), so that runs just under the cap do not pile up.
        var i = runs.count - factor
        while i >= 0 {
            let group = i...(i + factor - 1)
            if Set(tiers[group]).count == 1 {
                for size in stride(from: factor, through: 2, by: -1) {
                    let part = i...(i + size - 1)
                    if total(runs[part]) <= maximumEntries { return part }
                }
            }
            i -= 1
        }
        return nil
    }

    private func total(_ runs: ArraySlice<PostingRun>) -> Int64 {
        runs.reduce(0) { $0 + $1.entries }
    }
}
