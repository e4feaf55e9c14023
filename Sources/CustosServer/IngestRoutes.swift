import CustosCore
import CustosStore
import Hummingbird
import Prometheus

extension CustosAPI {
    func addIngestRoutes(to router: Router<CustosRequestContext>) {
        router.post("/v1/events") { request, context in
            _ = try await self.authenticator.authenticate(request, scope: .ingest)
            let contentType = request.headers[.contentType]?.lowercased() ?? ""
            let framing: EventBatchDecoder.Framing
            if contentType.hasPrefix("application/x-ndjson") || contentType.hasPrefix("application/jsonl") {
                framing = .ndjson
            } else if contentType.hasPrefix("application/json") {
                framing = .json
            } else {
                throw Problem(
                    .unsupportedMediaType,
                    type: "unsupported-media-type",
                    title: "Unsupported media type",
                    detail: "send application/json (an event or an array of events) or application/x-ndjson"
                )
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: self.maximumBodyBytes)
            } catch {
                throw Problem(
                    .contentTooLarge,
                    type: "too-large",
                    title: "Request too large",
                    detail: "the body exceeds \(self.maximumBodyBytes) bytes; send smaller batches"
                )
            }
            let events: [AccessEvent]
            switch self.batchDecoder.decode(Array(buffer: body), framing: framing) {
            case .success(let e): events = e
            case .failure(let error):
                self.metrics.rejected.increment(by: Int64(max(error.invalidEvents, 1)))
                throw Problem.invalidEvents(error)
            }
            self.metrics.batchSize.record(Double(events.count))
            let result: AppendResult
            do {
                result = try await self.pipeline.submit(events)
            } catch let e as StoreError where e.code == .overloaded {
                self.metrics.overloaded.increment()
                throw Problem.overloaded(e.message)
            }
            switch result {
            case .accepted(let receipt):
                self.metrics.ingested.increment(by: Int64(receipt.stored))
                self.metrics.duplicates.increment(by: Int64(receipt.duplicates))
                return Response.json(
                    .object(
                        JSONObject([
                            ("accepted", .integer(Int64(events.count))), ("stored", .integer(Int64(receipt.stored))),
                            ("duplicates", .integer(Int64(receipt.duplicates))),
                            ("seqs", .array(receipt.seqs.map { .integer($0) })),
                        ])
                    )
                )
            case .conflict(let conflicts):
                self.metrics.rejected.increment(by: Int64(events.count))
                let list: [JSONValue] = conflicts.map {
                    .object(
                        JSONObject([
                            ("index", .integer(Int64($0.index))), ("path", .string("id")),
                            (
                                "reason",
                                .string(
                                    "id \"\($0.id)\" is already stored with different content (seq \($0.existingSeq))"
                                )
                            ),
                            ("existing_seq", .integer($0.existingSeq)),
                        ])
                    )
                }
                throw Problem(
                    .conflict,
                    type: "id-conflict",
                    title: "Conflicting event id",
                    detail:
                        "\(conflicts.count) event\(conflicts.count == 1 ? " reuses" : "s reuse") an id with different content; nothing was stored",
                    extensions: JSONObject([("errors", .array(list))])
                )
            }
        }
    }
}
