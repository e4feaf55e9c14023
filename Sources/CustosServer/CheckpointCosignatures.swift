import CustosCore
import CustosLedger
import CustosStore

extension CustosAPI {
    /// The witnesses' cosignatures of `checkpoints` (matched by size and root), by checkpoint size; empty when the
    /// store keeps none.
    func cosignatures(
        of checkpoints: [StoredCheckpoint],
        store: any LedgerStore
    ) async throws
        -> [UInt64: [StoredCosignature]]
    {
        guard let store = store as? any CosignatureStore, !checkpoints.isEmpty else { return [:] }
        let roots = Dictionary(checkpoints.map { ($0.size, $0.rootHash) }, uniquingKeysWith: { first, _ in first })
        var out: [UInt64: [StoredCosignature]] = [:]
        for cosignature in try await store.cosignatures(sizes: Array(roots.keys))
        where roots[cosignature.size] == cosignature.rootHash {
            out[cosignature.size, default: []].append(cosignature)
        }
        return out
    }

    /// The signed checkpoint note with the witnesses' cosignature lines appended (C2SP tlog-cosignature).
    func cosignedNote(_ checkpoint: StoredCheckpoint, store: any LedgerStore) async throws -> String {
        let lines = try await cosignatures(of: [checkpoint], store: store)[checkpoint.size] ?? []
        return checkpoint.note + lines.map { $0.line + "\n" }.joined()
    }

    /// A checkpoint's JSON in `/v1/checkpoints`, with its cosignatures.
    static func json(_ c: StoredCheckpoint, origin: String, cosignatures: [StoredCosignature]) -> JSONValue {
        guard case .object(var o) = json(c, origin: origin) else { return json(c, origin: origin) }
        o["cosignatures"] = .array(
            cosignatures.map { cosignature in
                var entry = JSONObject()
                entry["witness"] = .string(cosignature.witness)
                entry["signature"] = .string(cosignature.line)
                if let parsed = try? SignedNote(parsing: "x\n\n" + cosignature.line + "\n").signatures.first,
                    let seconds = try? CosignatureV1.timestamp(of: parsed)
                {
                    entry["time"] = .string(
                        Timestamp(millisecondsSinceEpoch: Int64(clamping: seconds) * 1000).rfc3339
                    )
                }
                return .object(entry)
            }
        )
        return .object(o)
    }
}
