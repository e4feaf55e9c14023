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
        let fetch: ([TileID]) async throws -> [TileSubtrees] = { ids in
            var tiles: [TileSubtrees] = []
            for id in ids { tiles.append(TileSubtrees(try await hashTile(id))) }
            return tiles
        }
        do {
            return try await TilesOnDemand.run(treeSize: newSize, fetch: fetch) {
                try ConsistencyProof.generate(oldSize: oldSize, newSize: newSize, from: $0)
            }
        } catch let error as LedgerError where error.code == .missingNode {
            throw RemoteLogError("the log's tiles lack a node: \(error)")
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
