public import CustosCore
import Foundation
import Synchronization

/// The break-glass reviews, kept in `reviews.json` in the data directory (rewritten whole on every change through
/// ``DurableFile``, so a crash leaves the old or the new list), or in memory without a directory.
public final class ReviewStore: Sendable {
    /// The file in the data directory.
    public static let file = "reviews.json"

    /// The file in the data directory recording how far the ledger has been checked for break-glass decisions
    /// without a review: `{"seq": n}` (see ``CustosAPI/recoverReviews()``).
    public static let checkedFile = "reviews.checked"

    private let items: Mutex<[ReviewItem]>
    private let path: String?
    private let checkedPath: String?
    /// The highest ledger `seq` checked, and whether opening a review has failed since the store was loaded.
    private let checked: Mutex<(seq: Int64, openFailed: Bool)>

    /// An empty store kept in memory only.
    public init() {
        path = nil
        checkedPath = nil
        items = Mutex([])
        checked = Mutex((-1, false))
    }

    /// Loads the reviews of `dataDirectory` (none when the file is absent); nil keeps them in memory only.
    public init(dataDirectory: String?) throws(PolicyLoadError) {
        path = dataDirectory.map { ($0 as NSString).appendingPathComponent(Self.file) }
        checkedPath = dataDirectory.map { ($0 as NSString).appendingPathComponent(Self.checkedFile) }
        var checkedSeq: Int64 = -1
        if let checkedPath, let bytes = FileManager.default.contents(atPath: checkedPath) {
            guard case .object(let o)? = try? JSONParser(maximumDepth: 4).parse(bytes),
                case .integer(let seq)? = o["seq"]
            else { throw PolicyLoadError(["\(checkedPath): not a JSON object {\"seq\": n}"]) }
            checkedSeq = seq
        }
        checked = Mutex((checkedSeq, false))
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
        do {
            try items.withLock { list in
                var next = list
                next.append(contentsOf: reviews)
                try write(next)
                list = next
            }
        } catch {
            checked.withLock { $0.openFailed = true }
            throw error
        }
    }

    /// The highest ledger `seq` known to have every break-glass decision's review opened (-1: none yet).
    public var checkedThroughSeq: Int64 { checked.withLock { $0.seq } }

    /// Adds those of `reviews` whose id is not in the store yet, writes the file, then records that the ledger has
    /// been checked through `seq`; returns the reviews added.
    public func reopen(_ reviews: [ReviewItem], checkedThrough seq: Int64) throws -> [ReviewItem] {
        let added = try items.withLock { list in
            let known = Set(list.map(\.id))
            var seen = Set<String>()
            let missing = reviews.filter { !known.contains($0.id) && seen.insert($0.id).inserted }
            guard !missing.isEmpty else { return missing }
            let next = list + missing
            try write(next)
            list = next
            return missing
        }
        try markChecked(through: seq)
        return added
    }

    /// Records that every break-glass decision through ledger `seq` has its review, unless opening a review has
    /// failed since the store was loaded (then the next start checks those decisions again). Returns whether the
    /// mark was moved.
    @discardableResult
    public func markChecked(through seq: Int64) throws -> Bool {
        try checked.withLock { state in
            guard !state.openFailed, seq > state.seq else { return false }
            if let checkedPath {
                let mark = JSONValue.object(JSONObject([("seq", .integer(seq))]))
                try DurableFile.replace(checkedPath, with: CanonicalJSON.encode(mark))
            }
            state.seq = seq
            return true
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
        try DurableFile.replace(path, with: CanonicalJSON.encode(.array(list.map(\.json))))
    }
}

/// A review that was closed already.
public struct ReviewClosedError: Error, Sendable {}
