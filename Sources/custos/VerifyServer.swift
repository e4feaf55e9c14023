import CustosLedger
import Foundation

/// `custos verify --server`: an outside monitor's check of a running log, trusting only the pinned key — the
/// latest checkpoint verifies, is consistent with the one seen last (the state file), and optionally (`tiles`)
/// its root is re-derived from every served entry bundle and hash tile.
struct VerifyServer {
    let log: RemoteLog
    let verifier: any NoteVerifier
    let statePath: String?
    let tiles: Bool

    /// Runs the check; returns the problems found (empty when the log verifies) and prints progress.
    func run() async throws -> [String] {
        guard let noteBytes = try await log.fetch("checkpoint") else {
            throw RemoteLogError("the log serves no checkpoint")
        }
        let origin = String(decoding: noteBytes.prefix { $0 != 0x0A }, as: UTF8.self)
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.open(noteBytes, origin: origin, verifiers: [verifier]).checkpoint
        } catch {
            return ["the served checkpoint does not verify with the trusted key: \(error)"]
        }
        printFlushed("Checkpoint: \(origin), size \(checkpoint.size), root \(checkpoint.rootHash.base64String).")
        var problems: [String] = []
        if let statePath, let stored = FileManager.default.contents(atPath: statePath) {
            let previous: Checkpoint
            do {
                let text = Array(stored)
                let previousOrigin = String(decoding: text.prefix { $0 != 0x0A }, as: UTF8.self)
                previous = try Checkpoint.open(text, origin: previousOrigin, verifiers: [verifier]).checkpoint
            } catch {
                throw RemoteLogError(
                    "the state file \(statePath) does not hold a checkpoint signed by the key: \(error)"
                )
            }
            problems += try await consistency(from: previous, to: checkpoint)
        }
        if tiles && problems.isEmpty {
            problems += try await rederive(checkpoint)
        }
        if problems.isEmpty, let statePath {
            guard FileManager.default.createFile(atPath: statePath + ".tmp", contents: Data(noteBytes)),
                rename(statePath + ".tmp", statePath) == 0
            else { throw RemoteLogError("cannot write \(statePath)") }
            printFlushed("State updated: checkpoint of size \(checkpoint.size).")
        }
        return problems
    }

    /// Whether `checkpoint` extends `previous`, by a consistency proof derived from the served tiles.
    private func consistency(from previous: Checkpoint, to checkpoint: Checkpoint) async throws -> [String] {
        guard previous.origin == checkpoint.origin else {
            return ["the state file is for origin \(previous.origin), the log serves \(checkpoint.origin)"]
        }
        guard previous.size <= checkpoint.size else {
            return [
                "the log rolled back: it serves size \(checkpoint.size), smaller than the size \(previous.size) "
                    + "seen before (state file)"
            ]
        }
        if previous.size == 0 || previous.size == checkpoint.size {
            guard previous.size != checkpoint.size || previous.rootHash == checkpoint.rootHash else {
                return ["the log forked: size \(previous.size) has another root than the one seen before"]
            }
            printFlushed("Consistent with the checkpoint of size \(previous.size) seen before.")
            return []
        }
        let proof = try await log.consistencyProof(oldSize: previous.size, newSize: checkpoint.size)
        do {
            try proof.verify(oldRoot: previous.rootHash, newRoot: checkpoint.rootHash)
        } catch {
            return [
                "the log is not consistent with the checkpoint of size \(previous.size) seen before (state file): "
                    + "a fork or a rewritten history (\(error))"
            ]
        }
        printFlushed("Consistent with the checkpoint of size \(previous.size) seen before.")
        return []
    }

    /// Re-derives the tree from every served entry bundle, checks each leaf against the level-0 tiles, and compares
    /// the root with the checkpoint's.
    private func rederive(_ checkpoint: Checkpoint) async throws -> [String] {
        var frontier = MerkleFrontier()
        var problems: [String] = []
        var index: UInt64 = 0
        while frontier.size < checkpoint.size {
            let width = Int(min(UInt64(TileID.fullWidth), checkpoint.size - frontier.size))
            let bundleID = try EntryBundleID(index: index, width: width)
            guard let bytes = try await log.fetch(bundleID.path) else {
                return problems + ["the log serves no \(bundleID.path)"]
            }
            let bundle: EntryBundle
            do {
                bundle = try EntryBundle(bytes: bytes, expectedCount: width)
            } catch {
                return problems + ["\(bundleID.path) is malformed: \(error)"]
            }
            let tile = try await log.hashTile(try TileID(level: 0, index: index, width: width))
            for (offset, entry) in bundle.entries.enumerated() {
                let seq = index * UInt64(TileID.fullWidth) + UInt64(offset)
                let leaf = MerkleTreeHasher.leafHash(of: entry)
                if let parsed = try? LedgerEntry(encoded: entry), parsed.sequenceNumber != seq {
                    problems.append("entry \(seq) carries seq \(parsed.sequenceNumber)")
                }
                if tile.hashes[offset] != leaf {
                    problems.append("entry \(seq) does not hash to leaf \(seq) of tile \(tile.id.path)")
                }
                _ = frontier.append(leaf)
            }
            index += 1
        }
        if frontier.rootHash != checkpoint.rootHash {
            problems.append("the tree re-derived from the served entries does not have the checkpoint's root")
        } else {
            printFlushed("Re-derived \(frontier.size) entries from the served entry bundles: the root matches.")
        }
        return problems
    }
}
