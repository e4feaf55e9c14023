public import CustosCore
import Foundation
import Synchronization

/// The break-glass reviews, kept in `reviews.json` in the data directory (rewritten whole through a temporary file
/// and a rename on every change, so a crash leaves the old or the new list), or in memory without a directory.
public final class ReviewStore: Sendable {
    /// The file in the data directory.
    public static let file = "reviews.json"

    private let items: Mutex<[ReviewItem]>
    private let path: String?

    /// An empty store kept in memory only.
    public init() {
        path = nil
        items = Mutex([])
    }

    /// Loads the reviews of `dataDirectory` (none when the file is absent); nil keeps them in memory only.
    public init(dataDirectory: String?) throws(PolicyLoadError) {
        path = dataDirectory.map { ($0 as NSString).appendingPathComponent(Self.file) }
        var loaded: [ReviewItem] = []
        if let path, let bytes = FileManager.default.contents(atPath: path) {
            guard case .array(let list)? = try? JSONParser(maximumDepth: 16).parse(bytes) else {
                throw PolicyLoadError(["\(path): not a JSON array of reviews"])
            }
            for (i, item) in list.enumerated() {
                guard let review = ReviewItem(json: item) else {
                    throw PolicyLoadError(["\(path): review [\(i)] is malformed"])
                }
                loaded.append(review)
            }
        }
        items = Mutex(loaded)
    }

    /// Every review, oldest first.
    public var all: [ReviewItem] { items.withLock { $0 } }

    /// Adds open reviews and writes the file.
    public func open(_ reviews: [ReviewItem]) throws {
        guard !reviews.isEmpty else { return }
        try items.withLock { list in
            var next = list
            next.append(contentsOf: reviews)
            try write(next)
            list = next
        }
    }

    /// Closes review `id` with `outcome`; returns the closed review, or nil when there is no such review. Throws
    /// ``ReviewClosedError`` when it is closed already.
    public func close(
        id: String,
        outcome: String,
        note: String?,
        by owner: String,
        at time: Timestamp
    ) throws
        -> ReviewItem?
    {
        try items.withLock { list in
            guard let index = list.firstIndex(where: { $0.id == id }) else { return nil }
            guard list[index].isOpen else { throw ReviewClosedError() }
            var next = list
            next[index].closedAt = time
            next[index].closedBy = owner
            next[index].outcome = outcome
            next[index].note = note
            try write(next)
            list = next
            return next[index]
        }
    }

    private func write(_ list: [ReviewItem]) throws {
        guard let path else { return }
        try Data(CanonicalJSON.encode(.array(list.map(\.json)))).write(
            to: URL(fileURLWithPath: path),
            options: .atomic
        )
    }
}

/// A review that was closed already.
public struct ReviewClosedError: Error, Sendable {}
