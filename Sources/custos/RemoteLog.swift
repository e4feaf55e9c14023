import CustosLedger
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A log's public C2SP endpoints (`/checkpoint`, `/tile/…`) read over HTTP by an outside monitor, which trusts
/// nothing it fetches until it is checked against the pinned key.
struct RemoteLog {
    /// The log's URL prefix, without a trailing slash.
    let base: String

    /// The body of `GET <base>/<path>`; nil on 404.
    ///
    /// - Throws: ``RemoteLogError`` when the server cannot be reached or answers anything but 200 or 404.
    func fetch(_ path: String) async throws -> [UInt8]? {
        guard let url = URL(string: base + "/" + path) else { throw RemoteLogError("not a URL: \(base)/\(path)") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(from: url)
        } catch {
            throw RemoteLogError("cannot reach \(url): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if status == 404 { return nil }
        guard status == 200 else { throw RemoteLogError("GET \(url) answered \(status)") }
        return Array(data)
    }

    /// The hash tile `id`.
    func hashTile(_ id: TileID) async throws -> HashTile {
        guard let bytes = try await fetch(id.path) else { throw RemoteLogError("the log serves no \(id.path)") }
        do {
            return try HashTile(id: id, bytes: bytes)
        } catch {
            throw RemoteLogError("\(id.path) is malformed: \(error)")
        }
    }

    /// The consistency proof between two tree sizes, derived from the log's tiles (fetching only those it needs).
    /// The tiles are not trusted: the caller verifies the proof against both signed roots.
    func consistencyProof(oldSize: UInt64, newSize: UInt64) async throws -> ConsistencyProof {
        let cache = FetchedTiles()
        while true {
            let source = TiledNodeHashSource(treeSize: newSize) { id in cache.tile(id) }
            do {
                return try ConsistencyProof.generate(oldSize: oldSize, newSize: newSize, from: source)
            } catch let error as LedgerError where error.code == .missingNode {
                let missing = cache.takeMissing()
                guard !missing.isEmpty else { throw RemoteLogError("the log's tiles lack a node: \(error)") }
                for id in missing { cache.insert(try await hashTile(id)) }
            }
        }
    }
}

/// Tiles fetched so far, and those a proof asked for that are not yet here.
private final class FetchedTiles: @unchecked Sendable {
    private let lock = NSLock()
    private var tiles: [TileID: HashTile] = [:]
    private var missing: Set<TileID> = []

    func tile(_ id: TileID) -> HashTile? {
        lock.withLock {
            if let tile = tiles[id] { return tile }
            missing.insert(id)
            return nil
        }
    }

    func insert(_ tile: HashTile) {
        lock.withLock { tiles[tile.id] = tile }
    }

    func takeMissing() -> [TileID] {
        lock.withLock {
            defer { missing.removeAll() }
            return Array(missing)
        }
    }
}

/// A log that cannot be read over HTTP.
struct RemoteLogError: Error, CustomStringConvertible {
    /// Why.
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
