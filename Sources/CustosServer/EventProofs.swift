import CustosCore
import CustosLedger
import CustosStore
import Foundation

extension CustosAPI {
    /// The events page of `query` with proofs, after signing a checkpoint if the tree grew since the last one, so
    /// that every event is covered (`custos query events --proofs` on a data directory).
    public func eventsWithProofs(_ query: EventQuery) async throws -> JSONValue {
        let publisher = try requireLedger()
        _ = try await publisher.publishIfGrown()
        return try await jsonWithProofs(try await store.events(query), publisher: publisher)
    }

    /// An events page with, for each event, its ledger entry, leaf hash, full disclosure (salt, name and canonical
    /// value of every claim) and inclusion proof in the tree of the latest checkpoint, which is included. Events
    /// not yet covered by that checkpoint get `"inclusion_proof": null`.
    func jsonWithProofs(_ page: EventPage, publisher: CheckpointPublisher) async throws -> JSONValue {
        let latest = try await latestCheckpoint(publisher)
        let records = try await publisher.store.ledgerRecords(seqs: page.events.map(\.seq))
        let proofs = TileProofs(store: publisher.store, cache: publisher.tileCache)
        var events: [JSONValue] = []
        events.reserveCapacity(page.events.count)
        for stored in page.events {
            if records[stored.seq]?.salts.isEmpty == true {
                // Erased (docs/ledger.md, "Erasure"): no claims are left to disclose, so no proof.
                events.append(stored.jsonValue)
                continue
            }
            // The event's JSON is built once: its members are the claims, and with seq and received the output.
            guard case .object(let body) = stored.event.jsonValue, let record = records[stored.seq] else {
                throw StoreError(.corrupt, "event \(stored.seq) has no ledger record")
            }
            var o = body
            o["seq"] = .integer(stored.seq)
            o["received"] = .string(stored.received.rfc3339)
            let claims = try EventClaims.claims(of: body, salts: record.salts)
            let commitment = ClaimCommitment(claims: claims).commitment
            let entry = LedgerEntry(
                sequenceNumber: UInt64(stored.seq),
                eventTimeMilliseconds: stored.event.time.millisecondsSinceEpoch,
                commitment: commitment
            )
            var ledger = JSONObject()
            ledger["entry"] = .string(Data(entry.encoded).base64EncodedString())
            ledger["leaf_hash"] = .string(record.leafHash.base64String)
            ledger["commitment"] = .string(commitment.base64String)
            ledger["disclosure"] = .array(
                claims.map { claim in
                    .object(
                        JSONObject([
                            ("salt", .string(Data(claim.salt).base64EncodedString())),
                            ("name", .string(claim.name)),
                            ("value", .string(String(decoding: claim.value, as: UTF8.self))),
                        ])
                    )
                }
            )
            if UInt64(stored.seq) < latest.size {
                let proof = try await proofs.inclusion(index: UInt64(stored.seq), size: latest.size)
                ledger["inclusion_proof"] = .object(
                    JSONObject([
                        ("tree_size", .integer(Int64(latest.size))),
                        ("hashes", .array(proof.hashes.map { .string($0.base64String) })),
                    ])
                )
            } else {
                ledger["inclusion_proof"] = .null
            }
            ledger["checkpoint"] = .string(latest.note)
            o["ledger"] = .object(ledger)
            events.append(.object(o))
        }
        // The page's shape (ResultEncoding.json), without encoding its events a second time.
        var doc = JSONObject()
        doc["events"] = .array(events)
        doc["next_cursor"] = page.nextCursor.map { .string($0.description) } ?? .null
        if let total = page.total { doc["total"] = .integer(total) }
        doc["checkpoint"] = Self.json(latest, origin: publisher.origin)
        return .object(doc)
    }
}
