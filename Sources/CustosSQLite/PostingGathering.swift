/// How long the indexer lets newly committed events gather before it writes their postings as one chunk
/// (docs/storage.md, "Deferred postings"). Every chunk is a transaction of the index file that rewrites the pages it
/// touches in the newest run and the client-id tree, and copies them through that file's log: a chunk of 32,000
/// events writes each such page once where 32 chunks of 1,000 wrote it up to 32 times. Queries read the waiting
/// events from memory, so gathering delays nothing a reader sees.
struct PostingGathering: Sendable, Equatable {
    /// The indexer writes as soon as this many events wait.
    var events: Int64 = 32_768
    /// Or once it has waited this long for them.
    var delay: Duration = .milliseconds(100)
    /// How often it looks again while it waits (a flush, or the writer waiting for room, is served within this).
    var poll: Duration = .milliseconds(5)

    /// The defaults.
    init() {}
}
