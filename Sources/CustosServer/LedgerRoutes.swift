import CustosCore
import CustosLedger
import CustosStore
import Foundation
import Hummingbird
import Prometheus

extension CustosAPI {
    func addLedgerRoutes(to router: Router<CustosRequestContext>) {
        router.post("/v1/checkpoints") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .admin)
            let publisher = try self.requireLedger()
            let checkpoint = try await publisher.publish()
            try await self.recorder.record(
                key: key,
                what: "POST /v1/checkpoints",
                resource: "checkpoints/\(checkpoint.size)"
            )
            return Response.json(Self.json(checkpoint, origin: publisher.origin), status: .created)
        }
        router.get("/v1/checkpoints") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            let publisher = try self.requireLedger()
            let params = try Self.parameters(request)
            try params.checkKnown(["limit"])
            let limit = try params.limit(default: 100, maximum: 10_000)
            let list = try await publisher.store.checkpoints(limit: limit)
            let cosigned = try await self.cosignatures(of: list, store: publisher.store)
            try await self.recorder.record(
                key: key,
                what: "GET " + request.uri.description,
                resource: "checkpoints"
            )
            self.metrics.reads.increment()
            return Response.json(
                .object(
                    JSONObject([
                        ("origin", .string(publisher.origin)),
                        ("verifier_key", .string(publisher.verifierKey)),
                        (
                            "checkpoints",
                            .array(
                                list.map {
                                    Self.json($0, origin: publisher.origin, cosignatures: cosigned[$0.size] ?? [])
                                }
                            )
                        ),
                    ])
                )
            )
        }
        router.get("/v1/proofs/inclusion") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            let publisher = try self.requireLedger()
            let params = try Self.parameters(request)
            try params.checkKnown(["seq", "size"])
            let latest = try await self.latestCheckpoint(publisher)
            let seq = try Self.unsigned(params, "seq", required: true)!
            let size = try Self.unsigned(params, "size", required: false) ?? latest.size
            guard size <= latest.size else {
                throw Problem.badParameter("size", "is beyond the latest checkpoint (size \(latest.size))")
            }
            guard seq < size else { throw Problem.badParameter("seq", "must be below the tree size \(size)") }
            let proof = try await TileProofs(store: publisher.store, cache: publisher.tileCache).inclusion(
                index: seq,
                size: size
            )
            let leaf = try await publisher.store.ledgerRecords(seqs: [Int64(seq)])[Int64(seq)]
            try await self.recorder.record(
                key: key,
                what: "GET " + request.uri.description,
                resource: "proofs/inclusion"
            )
            self.metrics.reads.increment()
            var o = JSONObject()
            o["seq"] = .integer(Int64(seq))
            o["tree_size"] = .integer(Int64(size))
            if let leaf { o["leaf_hash"] = .string(leaf.leafHash.base64String) }
            o["hashes"] = .array(proof.hashes.map { .string($0.base64String) })
            return Response.json(.object(o))
        }
        router.get("/v1/proofs/consistency") { request, _ in
            let key = try await self.authenticator.authenticate(request, scope: .read)
            let publisher = try self.requireLedger()
            let params = try Self.parameters(request)
            try params.checkKnown(["from", "to"])
            let latest = try await self.latestCheckpoint(publisher)
            let from = try Self.unsigned(params, "from", required: true)!
            let to = try Self.unsigned(params, "to", required: false) ?? latest.size
            guard to <= latest.size else {
                throw Problem.badParameter("to", "is beyond the latest checkpoint (size \(latest.size))")
            }
            guard from <= to else { throw Problem.badParameter("from", "must not exceed to (\(to))") }
            let proof = try await TileProofs(store: publisher.store, cache: publisher.tileCache).consistency(
                oldSize: from,
                newSize: to
            )
            try await self.recorder.record(
                key: key,
                what: "GET " + request.uri.description,
                resource: "proofs/consistency"
            )
            self.metrics.reads.increment()
            return Response.json(
                .object(
                    JSONObject([
                        ("from", .integer(Int64(from))), ("to", .integer(Int64(to))),
                        ("hashes", .array(proof.hashes.map { .string($0.base64String) })),
                    ])
                )
            )
        }

        // The public, read-only C2SP tlog-tiles endpoints.
        router.get("/checkpoint") { _, _ in
            let publisher = try self.requireLedger()
            let latest = try await self.latestCheckpoint(publisher)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(string: try await self.cosignedNote(latest, store: publisher.store)))
            )
        }
        router.get("/tile/**") { request, _ in
            let publisher = try self.requireLedger()
            let path = String(request.uri.path.dropFirst())
            let latest = try await self.latestCheckpoint(publisher)
            if path.hasPrefix("tile/entries/") {
                guard let id = try? EntryBundleID(path: path) else { throw Self.tileNotFound(path) }
                guard id.tileID.isComplete(inTreeSize: latest.size),
                    let stored = try await publisher.store.entryBundle(index: id.index), stored.width >= id.width
                else { throw Self.tileNotFound(path) }
                return Self.tileResponse(
                    stored.data.prefix(id.width * (LedgerEntry.encodedSize + 2)),
                    full: !id.isPartial
                )
            }
            guard let id = try? TileID(path: path) else { throw Self.tileNotFound(path) }
            guard id.isComplete(inTreeSize: latest.size),
                let stored = try await publisher.store.hashTile(level: id.level, index: id.index),
                stored.width >= id.width
            else { throw Self.tileNotFound(path) }
            return Self.tileResponse(stored.data.prefix(id.width * TreeHash.byteCount), full: !id.isPartial)
        }
    }

    func requireLedger() throws -> CheckpointPublisher {
        guard let ledger else {
            throw Problem(
                .serviceUnavailable,
                type: "no-ledger",
                title: "No ledger",
                detail: "this server was started without a checkpoint signer"
            )
        }
        return ledger
    }

    func latestCheckpoint(_ publisher: CheckpointPublisher) async throws -> StoredCheckpoint {
        if let latest = try await publisher.latestCheckpoint() { return latest }
        return try await publisher.publish()
    }

    static func unsigned(_ params: QueryParameters, _ name: String, required: Bool) throws -> UInt64? {
        guard let text = params.values[name] else {
            if required { throw Problem.badParameter(name, "is required") }
            return nil
        }
        guard let n = UInt64(text), n <= UInt64(Int64.max) else {
            throw Problem.badParameter(name, "must be a whole number ≥ 0")
        }
        return n
    }

    static func json(_ c: StoredCheckpoint, origin: String) -> JSONValue {
        .object(
            JSONObject([
                ("origin", .string(origin)),
                ("size", .integer(Int64(c.size))),
                ("root_hash", .string(c.rootHash.base64String)),
                ("created", .string(Timestamp(millisecondsSinceEpoch: c.createdMilliseconds).rfc3339)),
                ("note", .string(c.note)),
            ])
        )
    }

    private static func tileNotFound(_ path: String) -> Problem {
        Problem.notFound("no tile \(path) is covered by the latest checkpoint")
    }

    private static func tileResponse(_ bytes: ArraySlice<UInt8>, full: Bool) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/octet-stream",
                .cacheControl: full ? "public, max-age=31536000, immutable" : "no-cache",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
